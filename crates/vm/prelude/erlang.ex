# Erlang modules people type at iex that are ordinary code in OTP.

defmodule :timer do
  def sleep(ms) do
    receive do
    after
      ms -> :ok
    end
  end

  def tc(fun) do
    t0 = :erlang.monotonic_time(:microsecond)
    v = fun.()
    {:erlang.monotonic_time(:microsecond) - t0, v}
  end

  def tc(fun, args) do
    t0 = :erlang.monotonic_time(:microsecond)
    v = apply(fun, args)
    {:erlang.monotonic_time(:microsecond) - t0, v}
  end

  def tc(m, f, args) do
    t0 = :erlang.monotonic_time(:microsecond)
    v = apply(m, f, args)
    {:erlang.monotonic_time(:microsecond) - t0, v}
  end

  def send_after(ms, msg), do: send_after(ms, self(), msg)

  def send_after(ms, dest, msg) do
    ref = :erlang.send_after(ms, dest, msg)
    {:ok, {:send_local, ref}}
  end

  def cancel({:send_local, ref}) do
    :erlang.cancel_timer(ref)
    {:ok, :cancel}
  end

  def cancel(_), do: {:error, :badarg}

  def seconds(s), do: s * 1000
  def minutes(m), do: m * 60_000
  def hours(h), do: h * 3_600_000
end

defmodule IEx.Helpers do
  @dont_display :"do not show this result in output"

  def v(n \\ -1) do
    case Beamplay.Runtime.history(n) do
      {:ok, value} -> value
      :error -> raise "v(#{n}) is out of bounds"
    end
  end

  # h/0, and h/1 as the compiler passes it: the module, function and
  # arity it names
  def h do
    IO.puts("""
    IEx.Helpers

    Helpers of this console: flush/0, h/1, i/1, pid/1, pid/3, v/0, v/1.
    The playground has no documentation of its modules: h/1 says where
    hexdocs.pm has it.
    """)

    @dont_display
  end

  def help(module, fun, arity) do
    if Code.ensure_loaded?(module) do
      IO.puts(help_text(module, fun, arity))
    else
      IO.puts("Could not load module #{inspect(module)}, got: nofile")
    end

    @dont_display
  end

  # h/1 of a literal, which is no module or function
  def help_invalid(term) do
    IO.puts(~s(The "h" helper expects a Module, Module.fun or Module.fun/arity, got: ) <> inspect(term))
    IO.puts(~s(If instead of accessing documentation you would like more information about a value or about the result of an expression, use the "i" helper instead))
    @dont_display
  end

  defp help_text(module, fun, arity) do
    name = inspect(module)
    what = name <> if(fun, do: "." <> Atom.to_string(fun), else: "") <> if(arity, do: "/#{arity}", else: "")

    "Documentation for #{what} is not available in the playground; see " <>
      case Atom.to_string(module) do
        "Elixir." <> _ ->
          # hexdocs anchors a function by name and arity
          anchor = if fun && arity, do: "#" <> Atom.to_string(fun) <> "/" <> Integer.to_string(arity), else: ""
          "https://hexdocs.pm/elixir/#{name}.html#{anchor}"

        erl ->
          "https://www.erlang.org/doc/man/#{erl}.html"
      end
  end

  def i(term) do
    info = [{"Term", inspect(term)} | info(term)]
    protocols = protocols(term)
    rows = if protocols == [], do: info, else: info ++ [{"Implemented protocols", Enum.join(protocols, ", ")}]
    Enum.each(rows, fn {label, text} -> IO.puts(label <> "\n  " <> String.replace(text, "\n", "\n  ")) end)
    @dont_display
  end

  defp info(term) when is_integer(term), do: [{"Data type", "Integer"}, {"Reference modules", "Integer"}]
  defp info(term) when is_float(term), do: [{"Data type", "Float"}, {"Reference modules", "Float"}]

  defp info(term) when is_atom(term) do
    if Code.ensure_loaded?(term) and match?("Elixir." <> _, Atom.to_string(term)) do
      [{"Data type", "Atom"},
       {"Description", "Use h(#{inspect(term)}) to access its documentation.\nCall #{inspect(term)}.module_info() to access metadata."},
       {"Raw representation", ":" <> inspect(Atom.to_string(term))},
       {"Reference modules", "Module, Atom"}]
    else
      [{"Data type", "Atom"}, {"Reference modules", "Atom"}]
    end
  end

  defp info(term) when is_binary(term) do
    if String.printable?(term) do
      [{"Data type", "BitString"},
       {"Byte size", Integer.to_string(byte_size(term))},
       {"Description", "This is a string: a UTF-8 encoded binary. It's printed surrounded by\n\"double quotes\" because all UTF-8 encoded code points in it are printable."},
       {"Raw representation", inspect(term, binaries: :as_binaries)},
       {"Reference modules", "String, :binary"}]
    else
      [{"Data type", "BitString"},
       {"Byte size", Integer.to_string(byte_size(term))},
       {"Description", "This is a binary: a collection of bytes. It's printed with the `<<>>`\nsyntax (as opposed to double quotes) because it is not a UTF-8 encoded\nbinary (the bytes in it don't form a valid UTF-8 string)."},
       {"Reference modules", ":binary"}]
    end
  end

  defp info(term) when is_list(term) do
    if term != [] and List.ascii_printable?(term) do
      [{"Data type", "List"},
       {"Description", "This is a list of integers that is printed as a sequence of characters\ndelimited by single quotes because all the integers in it represent printable\nASCII characters. Conventionally, a list of Unicode code points is known as a\ncharlist and a list of ASCII characters is a subset of it."},
       {"Raw representation", inspect(term, charlists: :as_lists)},
       {"Reference modules", "List"}]
    else
      [{"Data type", "List"}, {"Reference modules", "List"}]
    end
  end

  defp info(term) when is_tuple(term), do: [{"Data type", "Tuple"}, {"Reference modules", "Tuple"}]
  defp info(%{__struct__: s}), do: [{"Data type", inspect(s)}, {"Reference modules", inspect(s) <> ", Map"}]
  defp info(term) when is_map(term), do: [{"Data type", "Map"}, {"Reference modules", "Map"}]

  defp info(term) when is_pid(term) do
    case Process.info(term, [:registered_name, :links, :message_queue_len]) do
      nil ->
        [{"Data type", "PID"}, {"Alive", "false"}, {"Description", "Use Process.info/1 to get more info about this process"}, {"Reference modules", "Process, Node"}]

      info ->
        name = case info[:registered_name] do
          [] -> "not registered"
          name -> inspect(name)
        end

        links = case info[:links] do
          [] -> "none"
          links -> Enum.map_join(links, ", ", &inspect/1)
        end

        [{"Data type", "PID"}, {"Alive", "true"}, {"Name", name}, {"Links", links},
         {"Message queue length", Integer.to_string(info[:message_queue_len])},
         {"Description", "Use Process.info/1 to get more info about this process"},
         {"Reference modules", "Process, Node"}]
    end
  end

  defp info(term) when is_function(term) do
    {:type, type} = Function.info(term, :type)
    {:arity, arity} = Function.info(term, :arity)
    rows = [{"Data type", "Function"}, {"Type", Atom.to_string(type)}, {"Arity", Integer.to_string(arity)}]
    if type == :external, do: rows, else: rows ++ [{"Description", "This is an anonymous function."}]
  end

  defp info(term) when is_reference(term), do: [{"Data type", "Reference"}]
  defp info(_term), do: []

  defp protocols(term) when is_atom(term) or is_integer(term) or is_float(term), do: ["IEx.Info", "Inspect", "List.Chars", "String.Chars"]
  defp protocols(term) when is_binary(term), do: ["Collectable", "IEx.Info", "Inspect", "List.Chars", "String.Chars"]
  defp protocols(term) when is_list(term), do: ["Collectable", "Enumerable", "IEx.Info", "Inspect", "List.Chars", "String.Chars"]
  defp protocols(%{__struct__: _}), do: ["IEx.Info", "Inspect"]
  defp protocols(term) when is_map(term), do: ["Collectable", "Enumerable", "IEx.Info", "Inspect"]
  defp protocols(term) when is_function(term), do: ["Enumerable", "IEx.Info", "Inspect"]
  defp protocols(_term), do: ["IEx.Info", "Inspect"]

  def pid(name) when is_atom(name) do
    case Process.whereis(name) do
      nil -> raise ArgumentError, "could not find registered process with name: " <> inspect(name)
      pid -> pid
    end
  end

  def pid(string) when is_binary(string) do
    :erlang.list_to_pid(~c"<" ++ String.to_charlist(string) ++ ~c">")
  end

  def pid(x, y, z)
      when is_integer(x) and x >= 0 and is_integer(y) and y >= 0 and is_integer(z) and z >= 0 do
    :erlang.list_to_pid(
      ~c"<" ++
        Integer.to_charlist(x) ++
        ~c"." ++ Integer.to_charlist(y) ++ ~c"." ++ Integer.to_charlist(z) ++ ~c">"
    )
  end
end
