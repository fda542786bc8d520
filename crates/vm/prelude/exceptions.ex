# Elixir's exceptions, with the messages Elixir 1.14 gives them.

defmodule RuntimeError do
  defexception message: "runtime error"
end

defmodule ArgumentError do
  defexception message: "argument error"
end

defmodule ArithmeticError do
  defexception message: "bad argument in arithmetic expression"
end

defmodule SystemLimitError do
  defexception message: "a system limit has been reached"
end

defmodule MatchError do
  defexception [:term]
  def message(e), do: "no match of right hand side value: " <> inspect(e.term)
end

defmodule CaseClauseError do
  defexception [:term]
  def message(e), do: "no case clause matching: " <> inspect(e.term)
end

defmodule WithClauseError do
  defexception [:term]
  def message(e), do: "no with clause matching: " <> inspect(e.term)
end

defmodule TryClauseError do
  defexception [:term]
  def message(e), do: "no try clause matching: " <> inspect(e.term)
end

defmodule CondClauseError do
  defexception []
  def message(_e), do: "no cond clause evaluated to a truthy value"
end

defmodule BadArityError do
  defexception [:function, :args]

  def message(e) do
    {:arity, arity} = :erlang.fun_info(e.function, :arity)
    n = length(e.args)
    args = Enum.map_join(e.args, ", ", &inspect/1)
    word = if n == 1, do: " argument (", else: " arguments ("
    inspect(e.function) <> " with arity " <> Integer.to_string(arity) <> " called with " <>
      (if n == 0, do: "no arguments", else: Integer.to_string(n) <> word <> args <> ")")
  end
end

defmodule BadFunctionError do
  defexception [:term]
  def message(e), do: "expected a function, got: " <> inspect(e.term)
end

defmodule BadMapError do
  defexception [:term]
  def message(e), do: "expected a map, got: " <> inspect(e.term)
end

defmodule BadStructError do
  defexception [:struct, :term]
  def message(e), do: "expected a struct named " <> inspect(e.struct) <> ", got: " <> inspect(e.term)
end

defmodule BadBooleanError do
  defexception [:term, :operator]

  def message(e) do
    "expected a boolean on left-side of \"" <> Atom.to_string(e.operator) <> "\", got: " <> inspect(e.term)
  end
end

defmodule KeyError do
  defexception [:key, :term, :message]

  def message(%{message: nil, key: key, term: nil}), do: "key " <> inspect(key) <> " not found"

  def message(%{message: nil, key: key, term: term}), do: "key " <> inspect(key) <> " not found in: " <> inspect(term)

  def message(%{message: message}), do: message
end

defmodule ErlangError do
  defexception [:original, :reason]

  def message(%{original: original, reason: nil}), do: "Erlang error: " <> inspect(original)
  def message(%{original: original, reason: reason}), do: "Erlang error: " <> inspect(original) <> reason
end

defmodule UndefinedFunctionError do
  defexception [:module, :function, :arity, :reason, :message]

  def message(%{message: nil} = e) do
    "function " <> Beamplay.Exception.format_mfa(e.module, e.function, e.arity) <> " is undefined or private"
  end

  def message(%{message: message}), do: message
end

defmodule FunctionClauseError do
  defexception [:module, :function, :arity, :kind, :args, :clauses]

  def message(e) do
    "no function clause matching in " <> Beamplay.Exception.format_mfa(e.module, e.function, e.arity)
  end
end

defmodule Protocol.UndefinedError do
  defexception [:protocol, :value, description: ""]

  def message(e) do
    "protocol " <> inspect(e.protocol) <> " not implemented for " <> inspect(e.value) <>
      " of type " <> Beamplay.Runtime.type_name(e.value) <> suffix(e.description)
  end

  defp suffix(""), do: ""
  defp suffix(d), do: ", " <> d
end

defmodule Enum.EmptyError do
  defexception message: "empty error"
end

defmodule Enum.OutOfBoundsError do
  defexception message: "out of bounds error"
end

defmodule CompileError do
  defexception [:file, :line, description: "compile error"]
  def message(e), do: e.description
end

defmodule SyntaxError do
  defexception [:file, :line, :column, description: "syntax error"]
  def message(e), do: e.description
end

defmodule TokenMissingError do
  defexception [:file, :line, :column, description: "expression is incomplete"]
  def message(e), do: e.description
end
