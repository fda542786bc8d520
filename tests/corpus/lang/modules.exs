# defmodule: functions with several clauses and guards, private
# functions, module attributes, __MODULE__, nested modules, local and
# remote calls, redefinition, and the errors of a bad call.

defmodule Shapes do
  @pi 3.14159

  def area({:square, s}), do: s * s
  def area({:circle, r}), do: @pi * r * r
  def area({:rect, w, h}) when w > 0 and h > 0, do: w * h

  def describe(shape), do: "area #{round(area(shape))}"

  defp secret, do: :hidden
  def reveal, do: secret()
  def name, do: __MODULE__
end; :ok
#=> :ok

Shapes.area({:square, 3})
#=> 9

Shapes.area({:circle, 1})
#=> 3.14159

Shapes.describe({:rect, 2, 5})
#=> "area 10"

Shapes.area({:rect, -1, 5})
#=> ** (FunctionClauseError) no function clause matching in Shapes.area/1

Shapes.area(:triangle)
#=> ** (FunctionClauseError) no function clause matching in Shapes.area/1

Shapes.secret()
#=> ** (UndefinedFunctionError) function Shapes.secret/0 is undefined or private

Shapes.reveal()
#=> :hidden

Shapes.name()
#=> Shapes

Shapes.nothing(1)
#=> ** (UndefinedFunctionError) function Shapes.nothing/1 is undefined or private

NoSuchModule.call()
#=> ** (UndefinedFunctionError) function NoSuchModule.call/0 is undefined (module NoSuchModule is not available)

defmodule Outer do
  defmodule Inner do
    def hi, do: :inner_hi
  end

  def call_inner, do: Inner.hi()
end; :ok
#=> :ok

{Outer.call_inner(), Outer.Inner.hi()}
#=> {:inner_hi, :inner_hi}

defmodule Attrs do
  @moduledoc "ignored"
  @x 1
  def first, do: @x
  @x 2
  def second, do: @x
  def unset, do: @nothing
end; :ok
#=> :ok

{Attrs.first(), Attrs.second(), Attrs.unset()}
#=> {1, 2, nil}

defmodule Counter do
  def count(list), do: count(list, 0)
  defp count([], n), do: n
  defp count([_ | t], n), do: count(t, n + 1)
end; :ok
#=> :ok

Counter.count([:a, :b, :c])
#=> 3

f = &Shapes.area/1
#=> &Shapes.area/1

f.({:square, 4})
#=> 16

defmodule Shapes do
  def area(_), do: :redefined
end; :ok
#=> :ok

Shapes.area({:square, 3})
#=> :redefined

defmodule Value do
  def f(x), do: x
end
|> elem(3)
#=> {:f, 1}

undefined_local(1)
#=> ** (CompileError) iex:18: undefined function undefined_local/1 (there is no such import)

defmodule Bad do
  def f, do: missing_fun()
end
#=> ** (CompileError) iex:19: undefined function missing_fun/0 (expected Bad to define such a function or for it to be imported, but none are available)
