# Default arguments: one clause, several defaults, a bodiless head for
# several clauses, and the arities they create.

defmodule Greeter do
  def hello(name, greeting \\ "Hello"), do: "#{greeting}, #{name}!"

  def span(a \\ 1, b, c \\ 3), do: {a, b, c}

  def fmt(value, opts \\ [])
  def fmt(value, []), do: inspect(value)
  def fmt(value, upcase: true), do: value |> inspect() |> String.upcase()
end; :ok
#=> :ok

Greeter.hello("Ann")
#=> "Hello, Ann!"

Greeter.hello("Ann", "Hi")
#=> "Hi, Ann!"

Greeter.span(2)
#=> {1, 2, 3}

Greeter.span(1, 2)
#=> {1, 2, 3}

Greeter.span(1, 2, 4)
#=> {1, 2, 4}

Greeter.fmt(:ok)
#=> ":ok"

Greeter.fmt(:ok, upcase: true)
#=> ":OK"

Greeter.hello()
#=> ** (UndefinedFunctionError) function Greeter.hello/0 is undefined or private

f = &Greeter.hello/1
#=> &Greeter.hello/1

f.("Bob")
#=> "Hello, Bob!"

defmodule Paged do
  def page(items, n \\ 0, size \\ 2) do
    items |> Enum.drop(n * size) |> Enum.take(size)
  end
end; :ok
#=> :ok

{Paged.page([1, 2, 3, 4, 5]), Paged.page([1, 2, 3, 4, 5], 2), Paged.page([1, 2, 3, 4, 5], 0, 3)}
#=> {[1, 2], [5], [1, 2, 3]}
