# Fills in the results of the language corpus (tests/corpus/lang/, its
# format in cases.exs) from real Elixir 1.14 / OTP 25:
#   elixir tests/corpus/expect.exs                      every file
#   elixir tests/corpus/expect.exs tests/corpus/lang/guards.exs
#
# Each file's cases are typed in turn at an iex-like shell process
# (IEx.Helpers imported, file "iex", the prompt counter as the line,
# bindings, aliases and imports kept from line to line as IEx.Evaluator
# keeps them, a new shell after one dies); the file is written back with
# new `#|` and `#=>` lines, everything else kept.
Code.require_file("cases.exs", __DIR__)

defmodule Corpus.Expect do
  @reply_wait 5_000
  @output_wait 100

  def main(args) do
    :logger.set_primary_config(:level, :none)

    files =
      case args do
        [] -> Corpus.Cases.files()
        files -> files
      end

    Enum.each(files, &fill/1)
  end

  defp fill(file) do
    chunks = file |> File.read!() |> Corpus.Cases.parse()
    ours = in_memory_modules()
    shell = start_shell()
    {out, shell} = Enum.map_reduce(chunks, shell, &run/2)
    stop_shell(shell)
    forget_modules(ours)
    File.write!(file, IO.iodata_to_binary(out))
    IO.puts("#{Path.relative_to_cwd(file)}: #{Enum.count(chunks, &match?({:case, _}, &1))} cases")
  end

  defp run({:text, line}, shell), do: {[line, "\n"], shell}

  defp run({:case, lines}, shell) do
    source = Corpus.Cases.source(lines)

    ref = make_ref()
    send(shell, {:eval, self(), ref, source})

    # a shell that dies before the value gives none; drain/2 prints its
    # EXIT line after the output it wrote
    value =
      receive do
        {:evaluated, ^ref, text} ->
          text

        {:DOWN, _, :process, ^shell, _} = down ->
          send(self(), down)
          nil
      after
        @reply_wait -> raise "no reply within #{@reply_wait} ms to:\n#{source}"
      end

    {output, shell} = drain(shell, [])
    value_lines = if value, do: prefix("#=> ", value), else: []

    {[Enum.map(lines, &[&1, "\n"]), prefix("#| ", output), value_lines], shell}
  end

  defp prefix(_tag, ""), do: []

  defp prefix(tag, text) do
    text
    |> String.trim_trailing("\n")
    |> String.split("\n")
    |> Enum.map(&[String.trim_trailing(tag <> &1), "\n"])
  end

  # output that reaches the console shortly after the value
  defp drain(shell, acc) do
    receive do
      {:output, text} ->
        drain(shell, [acc, text])

      {:DOWN, _, :process, ^shell, reason} ->
        drain(start_shell(), [acc, exit_line(shell, reason)])
    after
      @output_wait -> {IO.iodata_to_binary(acc), shell}
    end
  end

  # like iex, a shell that exits normally is replaced silently
  defp exit_line(_shell, :normal), do: ""

  defp exit_line(shell, reason) do
    "** (EXIT from #{inspect(shell)}) shell process exited with reason: #{exit_reason(reason)}\n"
  end

  # as iex words it, without the stack trace
  defp exit_reason({reason, [{_m, _f, _a, _loc} | _] = stack}),
    do: "an exception was raised:\n    " <> Exception.format_banner(:error, reason, stack)

  defp exit_reason(reason), do: Exception.format_exit(reason)

  defp start_shell do
    main = self()
    gl = Process.get(:group_leader) || spawn(fn -> group_leader(main) end)
    Process.put(:group_leader, gl)

    pid =
      spawn(fn ->
        Process.group_leader(self(), gl)
        {env, _} = Code.eval_string("import IEx.Helpers, warn: false\n__ENV__")
        loop(%{env | file: "iex"}, [], 1)
      end)

    Process.monitor(pid)
    pid
  end

  defp stop_shell(shell) do
    Process.exit(shell, :kill)

    receive do
      {:DOWN, _, :process, ^shell, _} -> :ok
    end
  end

  # each file starts with a fresh node in the playground's tests: unload
  # the modules its cases defined (compiled in memory, so no object file),
  # keeping `ours`, this script's
  defp forget_modules(ours) do
    for m <- in_memory_modules(), m not in ours do
      :code.purge(m)
      :code.delete(m)
      :code.purge(m)
    end
  end

  defp in_memory_modules, do: for({m, ''} <- :code.all_loaded(), do: m)

  defp loop(env, binding, counter) do
    receive do
      {:eval, from, ref, source} ->
        {text, env, binding, counter} = eval(source, env, binding, counter)
        send(from, {:evaluated, ref, text})
        loop(env, binding, counter)
    end
  end

  # as IEx.Evaluator does: the environment (aliases, imports, requires)
  # carries over to the next line, like the bindings
  defp eval(source, env, binding, counter) do
    quoted = Code.string_to_quoted!(source, file: "iex", line: counter)
    {value, binding, env} = Code.eval_quoted_with_env(quoted, binding, %{env | line: counter})
    {inspect(value, pretty: true, width: 80), env, binding, counter + 1}
  catch
    kind, reason ->
      {Exception.format_banner(kind, reason, __STACKTRACE__), env, binding, counter}
  end

  defp group_leader(main) do
    receive do
      {:io_request, from, reply_as, req} ->
        {reply, text} = io(req)
        if text != "", do: send(main, {:output, text})
        send(from, {:io_reply, reply_as, reply})
        group_leader(main)
    end
  end

  defp io({:put_chars, _enc, chars}), do: {:ok, IO.chardata_to_string(chars)}
  defp io({:put_chars, _enc, m, f, a}), do: {:ok, IO.chardata_to_string(apply(m, f, a))}
  defp io({:put_chars, chars}), do: {:ok, IO.chardata_to_string(chars)}

  defp io({:requests, reqs}) do
    Enum.reduce(reqs, {:ok, ""}, fn r, {_, t} ->
      {reply, text} = io(r)
      {reply, t <> text}
    end)
  end

  defp io({:get_geometry, _}), do: {{:error, :enotsup}, ""}
  defp io(_other), do: {{:error, :request}, ""}
end

Corpus.Expect.main(System.argv())
