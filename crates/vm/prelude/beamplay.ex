# The playground's own runtime support, written in the Elixir subset so that
# it runs as ordinary (resumable) code in the calling process.

defmodule Beamplay.Runtime do
  # raise/1,2 and reraise/2,3 as Kernel's macros expand them.
  def raise(msg) when is_binary(msg), do: :erlang.error(RuntimeError.exception(msg))
  def raise(%{__exception__: true} = e), do: :erlang.error(e)
  def raise(mod) when is_atom(mod), do: :erlang.error(mod.exception([]))

  def raise(other) do
    :erlang.error(
      ArgumentError.exception(
        "raise/1 and reraise/2 expect a module name, string or exception as the first argument, got: " <>
          inspect(other)
      )
    )
  end

  def raise(mod, attrs) when is_atom(mod), do: :erlang.error(mod.exception(attrs))
  def raise(other, _attrs), do: raise(other)

  def reraise(%{__exception__: true} = e, stack), do: :erlang.raise(:error, e, stack)
  def reraise(msg, stack) when is_binary(msg), do: :erlang.raise(:error, RuntimeError.exception(msg), stack)
  def reraise(mod, stack) when is_atom(mod), do: :erlang.raise(:error, mod.exception([]), stack)
  def reraise(mod, attrs, stack), do: :erlang.raise(:error, mod.exception(attrs), stack)

  def badbool(op, term), do: :erlang.error(BadBooleanError.exception(operator: op, term: term))
  def badstruct(mod, term), do: :erlang.error(BadStructError.exception(struct: mod, term: term))
  def with_clause(term), do: :erlang.error(WithClauseError.exception(term: term))

  # `term.key` when term is not a map holding key
  def dot(term, key) when is_atom(term) and term != nil and is_atom(key), do: apply(term, key, [])
  def dot(term, key) when is_map(term), do: :erlang.error({:badkey, key, term})

  def dot(term, key) do
    :erlang.error(
      KeyError.exception(
        key: key,
        term: term,
        message:
          "key " <>
            inspect(key) <>
            " not found in: " <>
            inspect(term) <>
            ". If you are using the dot syntax, such as map.field, make sure the left-hand side of the dot is a map"
      )
    )
  end

  def range(first, last) when is_integer(first) and is_integer(last) do
    step = if first <= last, do: 1, else: -1
    %{__struct__: Range, first: first, last: last, step: step}
  end

  def range(first, last) do
    :erlang.error(
      ArgumentError.exception(
        "ranges (first..last) expect both sides to be integers, got: " <> inspect(first) <> ".." <> inspect(last)
      )
    )
  end

  def range(first, last, step) when is_integer(first) and is_integer(last) and is_integer(step) and step != 0 do
    %{__struct__: Range, first: first, last: last, step: step}
  end

  def range(first, last, step) do
    :erlang.error(
      ArgumentError.exception(
        "ranges (first..last//step) expect both sides to be integers and the step to be a non-zero integer, got: " <>
          inspect(first) <> ".." <> inspect(last) <> "//" <> inspect(step)
      )
    )
  end

  def concat(a, b) when is_binary(a) and is_binary(b), do: <<a::binary, b::binary>>

  def concat(a, b) do
    bad = if is_binary(a), do: b, else: a
    :erlang.error(ArgumentError.exception("expected binary argument in <> operator but got: " <> inspect(bad)))
  end

  # generated Mod.__struct__/1, Mod.exception/1 and Mod.message/1
  def struct_from(fields, mod), do: Kernel.struct!(mod.__struct__(), fields)

  def exception(msg, mod) when is_binary(msg), do: exception([message: msg], mod)

  def exception(args, mod) when is_list(args) do
    struct = mod.__struct__()
    {valid, invalid} = Enum.split_with(args, fn {k, _} -> :maps.is_key(k, struct) end)

    case invalid do
      [] ->
        Kernel.struct!(struct, valid)

      _ ->
        :erlang.error(
          ArgumentError.exception(
            "the following fields are unknown when raising " <>
              inspect(mod) <> ": " <> inspect(invalid) <> ". Please make sure to only give known fields when raising or redefine " <>
              inspect(mod) <> ".exception/1 to discard unknown fields. Future Elixir versions will raise on unknown fields given to raise/2"
          )
        )
    end
  end

  def exception_message(%{message: message}, _mod) when is_binary(message), do: message
  def exception_message(e, _mod), do: inspect(e)
end

defmodule Exception do
  def message(e), do: Beamplay.Exception.message(e)
  def normalize(kind, reason, stack \\ []), do: Beamplay.Exception.normalize(kind, reason, stack)
  def format_banner(kind, reason, stack \\ []), do: Beamplay.Exception.format_banner(kind, reason, stack)
  def format_exit(reason), do: Beamplay.Exception.format_exit(reason)
  def format(kind, reason, stack \\ []), do: Beamplay.Exception.format_banner(kind, reason, stack)
  def format_mfa(m, f, a), do: Beamplay.Exception.format_mfa(m, f, a)
end

defmodule Beamplay.Shell do
  def banner(kind, reason, stack), do: Beamplay.Exception.format_banner(kind, reason, stack)

  # iex's line when the shell process dies, without the stack trace
  def exit_line(pid, reason) do
    "** (EXIT from " <> inspect(pid) <> ") shell process exited with reason: " <> shell_reason(reason)
  end

  defp shell_reason({reason, [{_m, _f, _a, _loc} | _] = stack}) do
    "an exception was raised:\n    " <> Beamplay.Exception.format_banner(:error, reason, stack)
  end

  defp shell_reason(reason), do: Beamplay.Exception.format_exit(reason)
end

defmodule Beamplay.Logger do
  # The node's :logger process. Crash reports are formatted here, away from
  # the process that crashed, as OTP's logger does; a report that cannot be
  # formatted is shown raw rather than lost.
  def loop do
    receive do
      {:crash, header, kind, reason, stack} ->
        text =
          try do
            Beamplay.Exception.format_report(kind, reason, stack)
          rescue
            _ -> "** (" <> :erlang.atom_to_binary(kind) <> ") " <> inspect(reason)
          end

        Beamplay.Runtime.log(header <> "\n" <> text)

      _ ->
        :ok
    end

    loop()
  end
end

defmodule Beamplay.Exception do
  # A crash report's banner and stack, as Elixir's Logger.Translator words it.
  def format_report(kind, reason, stack), do: format_banner(kind, reason, stack) <> format_stack(stack)

  # A GenServer's stop reason in its "terminating" report.
  def format_stop({e, [_ | _] = stack} = reason) do
    if Enum.all?(stack, &stack_entry?/1),
      do: format_report(:error, e, stack),
      else: "** (stop) " <> format_exit(reason)
  end

  def format_stop(reason), do: "** (stop) " <> format_exit(reason)

  # the user's frames; a console closure runs in erl_eval, as in iex; the
  # prelude's frames stand for Elixir's and OTP's own, which differ
  # a frame of the playground's own library, which stands for Elixir's or OTP's
  def prelude_frame?({_m, _f, _a, loc}) when is_list(loc), do: Keyword.get(loc, :file) == 'prelude'
  def prelude_frame?(_), do: false

  defp format_stack(stack), do: Enum.map_join(stack_lines(stack), &("\n    " <> &1))

  defp stack_lines(stack) do
    stack
    |> Enum.flat_map(fn
      {m, f, a, loc} when m in [:erl_eval, :gen_server, :proc_lib] -> ["(stdlib 4.2) " <> location(loc) <> format_mfa(m, f, a)]
      {m, f, a, loc} = frame -> if prelude_frame?(frame), do: [], else: [location(loc) <> format_mfa(m, f, a)]
      _ -> []
    end)
    |> Enum.dedup()
  end

  defp location(loc) when is_list(loc) do
    case {Keyword.get(loc, :file), Keyword.get(loc, :line)} do
      {nil, _} -> ""
      {file, nil} -> List.to_string(file) <> ": "
      {file, line} -> List.to_string(file) <> ":" <> Integer.to_string(line) <> ": "
    end
  end

  defp location(_), do: ""

  def normalize(:error, %{__exception__: true} = e, _stack), do: e
  def normalize(:error, reason, stack), do: erlang_error(reason, stack)
  def normalize(_kind, payload, _stack), do: payload

  def format_banner(:error, reason, stack) do
    e = normalize(:error, reason, stack)
    "** (" <> inspect(e.__struct__) <> ") " <> message(e)
  end

  def format_banner(:throw, reason, _stack), do: "** (throw) " <> inspect(reason)
  def format_banner(:exit, reason, _stack), do: "** (exit) " <> format_exit(reason, "\n    ")

  def message(%{__struct__: module, __exception__: true} = e) do
    try do
      module.message(e)
    rescue
      other ->
        "got " <>
          inspect(other.__struct__) <>
          " with message " <>
          inspect(message(other)) <>
          " while retrieving Exception.message/1 for " <> inspect(e)
    else
      text when is_binary(text) -> text
      other -> "got " <> inspect(other) <> " while retrieving Exception.message/1 for " <> inspect(e) <> " (expected a string)"
    end
  end

  def format_exit(reason), do: format_exit(reason, "\n    ")

  def format_exit({exception, [_ | _] = stack}, joiner) when is_list(stack) do
    if Enum.all?(stack, &stack_entry?/1) do
      message = "an exception was raised:" <> joiner <> format_banner(:error, exception, stack)
      Enum.join([message | stack_lines(stack)], joiner <> "    ")
    else
      format_exit_reason({exception, stack})
    end
  end

  def format_exit({reason, {mod, fun, args}}, joiner) when is_atom(mod) and is_atom(fun) and is_list(args) do
    "exited in: " <>
      format_call(mod, fun, args) <>
      joiner <> "** (EXIT) " <> format_exit(reason, joiner <> "    ")
  end

  def format_exit(reason, _joiner), do: format_exit_reason(reason)

  defp stack_entry?({_m, _f, _a, _l}), do: true
  defp stack_entry?(_), do: false

  defp format_exit_reason(:normal), do: "normal"
  defp format_exit_reason(:shutdown), do: "shutdown"
  defp format_exit_reason(:killed), do: "killed"
  defp format_exit_reason(:calling_self), do: "process attempted to call itself"
  defp format_exit_reason(:timeout), do: "time out"
  defp format_exit_reason(:noconnection), do: "no connection"

  defp format_exit_reason(:noproc) do
    "no process: the process is not alive or there's no process currently associated with the given name, possibly because its application isn't started"
  end

  defp format_exit_reason({:shutdown, reason}), do: "shutdown: " <> inspect(reason)
  defp format_exit_reason({:nodedown, node}), do: "no connection to " <> Atom.to_string(node)
  defp format_exit_reason({:already_started, pid}), do: "already started: " <> inspect(pid)
  defp format_exit_reason({:bad_return_value, v}), do: "bad return value: " <> inspect(v)
  defp format_exit_reason({:bad_call, r}), do: "bad call: " <> inspect(r)
  defp format_exit_reason({:bad_cast, r}), do: "bad cast: " <> inspect(r)
  defp format_exit_reason(other), do: inspect(other)

  defp format_call(mod, fun, args) do
    module_text(mod) <> "." <> fun_text(fun) <> "(" <> Enum.map_join(args, ", ", &inspect/1) <> ")"
  end

  defp module_text(mod), do: inspect(mod)

  defp fun_text(fun) do
    text = inspect(fun)

    case text do
      ":\"" <> _ -> String.slice(text, 1, byte_size(text))
      ":" <> rest -> rest
      other -> other
    end
  end

  # Mod.fun/arity as FunctionClauseError and UndefinedFunctionError show it.
  def format_mfa(mod, fun, arity) when is_integer(arity) do
    name = Atom.to_string(fun)

    case anonymous(name) do
      {:ok, outer} -> "anonymous fn/" <> Integer.to_string(arity) <> " in " <> module_text(mod) <> "." <> outer
      :error -> module_text(mod) <> "." <> fun_text(fun) <> "/" <> Integer.to_string(arity)
    end
  end

  # "-f/1-fun-0-" is the closure number 0 inside f/1
  defp anonymous("-" <> rest) do
    case String.split(rest, "-fun-") do
      [outer, _n] -> if String.contains?(outer, "/"), do: {:ok, outer}, else: :error
      _ -> :error
    end
  end

  defp anonymous(_), do: :error

  defp ordinal(1), do: "1st"
  defp ordinal(2), do: "2nd"
  defp ordinal(3), do: "3rd"
  defp ordinal(n), do: Integer.to_string(n) <> "th"

  defp arg_errors([{_m, _f, _a, info} | _]) when is_list(info) do
    case :lists.keyfind(:error_info, 1, info) do
      {:error_info, %{beamplay_args: args}} -> args
      _ -> []
    end
  end

  defp arg_errors(_), do: []

  defp top([{m, f, a, _} | _]), do: {m, f, a}
  defp top(_), do: nil

  defp erlang_error(:badarg, stack) do
    case arg_errors(stack) do
      [] ->
        ArgumentError.exception("argument error")

      args ->
        lines = Enum.map_join(args, "", fn {n, text} -> "  * " <> ordinal(n) <> " argument: " <> text <> "\n" end)
        ArgumentError.exception("errors were found at the given arguments:\n\n" <> lines)
    end
  end

  defp erlang_error(:noproc, stack) do
    case arg_errors(stack) do
      [] ->
        ErlangError.exception(original: :noproc)

      args ->
        lines = Enum.map_join(args, "", fn {n, text} -> "  * " <> ordinal(n) <> " argument: " <> text <> "\n" end)
        %{ErlangError.exception(original: :noproc) | reason: ":\n\n" <> lines}
    end
  end

  defp erlang_error(:badarith, _), do: ArithmeticError.exception("bad argument in arithmetic expression")
  defp erlang_error(:system_limit, _), do: SystemLimitError.exception("a system limit has been reached")
  defp erlang_error(:cond_clause, _), do: CondClauseError.exception([])
  defp erlang_error({:badarity, {fun, args}}, _), do: BadArityError.exception(function: fun, args: args)
  defp erlang_error({:badfun, term}, _), do: BadFunctionError.exception(term: term)
  defp erlang_error({:badstruct, struct, term}, _), do: BadStructError.exception(struct: struct, term: term)
  defp erlang_error({:badmatch, term}, _), do: MatchError.exception(term: term)
  defp erlang_error({:badmap, term}, _), do: BadMapError.exception(term: term)
  defp erlang_error({:badbool, op, term}, _), do: BadBooleanError.exception(operator: op, term: term)
  defp erlang_error({:badkey, key}, _), do: KeyError.exception(key: key)
  defp erlang_error({:badkey, key, map}, _), do: KeyError.exception(key: key, term: map)
  defp erlang_error({:case_clause, term}, _), do: CaseClauseError.exception(term: term)
  defp erlang_error({:with_clause, term}, _), do: WithClauseError.exception(term: term)
  defp erlang_error({:try_clause, term}, _), do: TryClauseError.exception(term: term)
  defp erlang_error({:badarg, payload}, _), do: ArgumentError.exception("argument error: " <> inspect(payload))

  defp erlang_error(:undef, stack) do
    case top(stack) do
      {m, f, a} ->
        arity = if is_list(a), do: length(a), else: a
        why = if :code.is_loaded(m) == false, do: " (module " <> inspect(m) <> " is not available)", else: " or private"
        msg = "function " <> format_mfa(m, f, arity) <> " is undefined" <> why
        UndefinedFunctionError.exception(module: m, function: f, arity: arity, message: msg)

      nil ->
        UndefinedFunctionError.exception([])
    end
  end

  defp erlang_error(:function_clause, stack) do
    case top(stack) do
      {m, f, a} ->
        arity = if is_list(a), do: length(a), else: a
        FunctionClauseError.exception(module: m, function: f, arity: arity)

      nil ->
        FunctionClauseError.exception([])
    end
  end

  defp erlang_error(other, _), do: ErlangError.exception(original: other)
end
