# try: rescue (by module, several modules, any), catch (throw, exit,
# error with its raw reason), else, after, raise forms, reraise, and the
# banners of uncaught raises, throws and exits.

try do
  raise "boom"
rescue
  e -> {:rescued, e}
end
#=> {:rescued, %RuntimeError{message: "boom"}}

try do
  raise ArgumentError, "bad"
rescue
  e in RuntimeError -> {:runtime, e.message}
  e in [ArgumentError, KeyError] -> {:arg_or_key, e.message}
end
#=> {:arg_or_key, "bad"}

try do
  throw(:ball)
catch
  value -> {:caught, value}
end
#=> {:caught, :ball}

try do
  exit(:shutdown)
catch
  :exit, reason -> {:exit, reason}
end
#=> {:exit, :shutdown}

try do
  :erlang.error(:badarg)
catch
  kind, reason -> {kind, reason}
end
#=> {:error, :badarg}

try do
  1 + String.to_atom("a")
rescue
  e -> e
end
#=> %ArithmeticError{message: "bad argument in arithmetic expression"}

try do
  {:ok, 1}
rescue
  _ -> :rescued
else
  {:ok, n} -> n + 1
end
#=> 2

try do
  :unexpected
else
  {:ok, n} -> n
end
#=> ** (TryClauseError) no try clause matching: :unexpected

try do
  :body
after
  IO.puts("after runs")
end
#| after runs
#=> :body

try do
  raise "inner"
rescue
  e -> raise "outer: " <> e.message
end
#=> ** (RuntimeError) outer: inner

raise "plain"
#=> ** (RuntimeError) plain

raise ArgumentError
#=> ** (ArgumentError) argument error

raise KeyError, key: :k, term: %{}
#=> ** (KeyError) key :k not found in: %{}

raise 42
#=> ** (ArgumentError) raise/1 and reraise/2 expect a module name, string or exception as the first argument, got: 42

throw({:thrown, 1})
#=> ** (throw) {:thrown, 1}

exit(:bye)
#=> ** (exit) :bye

exit({:shutdown, :reason})
#=> ** (exit) shutdown: :reason

try do
  try do
    raise "first"
  rescue
    e -> reraise e, __STACKTRACE__
  end
rescue
  e in RuntimeError -> {:reraised, e.message}
end
#=> {:reraised, "first"}

try do
  Map.fetch!(%{}, :missing)
rescue
  e in KeyError -> {e.key, Exception.message(e)}
end
#=> {:missing, "key :missing not found in: %{}"}

x =
  try do
    :ok
  after
    :ignored
  end
#=> :ok

try do
  raise RuntimeError
rescue
  RuntimeError -> :rescued_by_module_alone
end
#=> :rescued_by_module_alone

try do
  elem({}, 0)
rescue
  e in ArgumentError -> e.message
end
#=> "errors were found at the given arguments:\n\n  * 1st argument: out of range\n"

try do
  throw(:x)
catch
  :throw, :y -> :not_this
end
#=> ** (throw) :x
