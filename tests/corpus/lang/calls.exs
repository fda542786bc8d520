# Calls: arguments computed into place or copied, tail calls that keep,
# swap, shift or repeat their arguments, body recursion across many
# slices, and what a caller sees of an error in its callee.

defmodule Calls do
  def add3(a, b, c), do: a * 100 + b * 10 + c
  def nested(x), do: add3(add3(x, x + 1, x + 2), x * 2, add3(1, 2, 3))
  def zero, do: :zero
  def with_zero(x), do: {zero(), x, zero()}
  def swap(0, a, b), do: {a, b}
  def swap(n, a, b), do: swap(n - 1, b, a)
  def shift(0, a, b, c), do: [a, b, c]
  def shift(n, a, b, c), do: shift(n - 1, b, c, a)
  def twice(0, a, b), do: {a, b}
  def twice(n, a, _b), do: twice(n - 1, a + 1, a)
  def keep(0, acc, _k), do: acc
  def keep(n, acc, k), do: keep(n - 1, [k | acc], k)
  def depth(0), do: 0
  def depth(n), do: depth(n - 1) + 1
  def inner(x), do: 1 / x
  def outer(x), do: inner(x + 0) + 1
  def rescued(x) do
    try do
      inner(x - 1) + 1
    rescue
      e in ArithmeticError -> {:rescued, Exception.message(e)}
    end
  end
  def after_rescue(x), do: {rescued(x), add3(x, x, x)}
end; :ok
#=> :ok

Calls.nested(1)
#=> 12443

Calls.with_zero(7)
#=> {:zero, 7, :zero}

Calls.swap(3, :a, :b)
#=> {:b, :a}

Calls.swap(4, :a, :b)
#=> {:a, :b}

Calls.shift(1, 1, 2, 3)
#=> [2, 3, 1]

Calls.shift(2, 1, 2, 3)
#=> [3, 1, 2]

Calls.twice(3, 0, nil)
#=> {3, 2}

Calls.keep(3, [], :k)
#=> [:k, :k, :k]

Calls.depth(200_000)
#=> 200000

Calls.rescued(1)
#=> {:rescued, "bad argument in arithmetic expression"}

Calls.rescued(3)
#=> 1.5

Calls.after_rescue(1)
#=> {{:rescued, "bad argument in arithmetic expression"}, 111}

try do
  Calls.outer(0)
rescue
  _ -> __STACKTRACE__ |> Enum.take(3) |> Enum.map(fn {m, f, a, _} -> {m, f, a} end)
end
#=> [{Calls, :inner, 1}, {Calls, :outer, 1}, {:erl_eval, :do_apply, 7}]

Calls.outer(0)
#=> ** (ArithmeticError) bad argument in arithmetic expression

defmodule Sel do
  def s(0), do: :zero
  def s(1), do: :one
  def s(2), do: :two
  def s(x), do: {:other, x}
end; [Sel.s(0), Sel.s(1), Sel.s(2), Sel.s(3), Sel.s(1.0), Sel.s(:a), Sel.s(-1)]
#=> [:zero, :one, :two, {:other, 3}, {:other, 1.0}, {:other, :a}, {:other, -1}]

defmodule Sparse do
  def c(200), do: :ok
  def c(404), do: :not_found
  def c(500), do: :error
  def c(n), do: {:other, n}
  def d(-1), do: :minus
  def d(0), do: :zero
  def d(1), do: :plus
  def d(n), do: {:other, n}
end; {Enum.map([200, 404, 500, 201, -1, 404.0], &Sparse.c/1), Enum.map([-2, -1, 0, 1, 2, 9223372036854775807, -9223372036854775808], &Sparse.d/1)}
#=> {[:ok, :not_found, :error, {:other, 201}, {:other, -1}, {:other, 404.0}],
#=>  [
#=>    {:other, -2},
#=>    :minus,
#=>    :zero,
#=>    :plus,
#=>    {:other, 2},
#=>    {:other, 9223372036854775807},
#=>    {:other, -9223372036854775808}
#=>  ]}

# a binding in an argument or an element is seen after the expression,
# not by its siblings
x = 7
#=> 7

{x = 1, x + 1}
#=> {1, 8}

x
#=> 1

y = 3; {[y = 10, y], y}
#=> {[10, 3], 3}

{max(z = 5, 2), z}
#=> ** (CompileError) iex:21: undefined function z/0 (there is no such import)

a = 0; {[a = 1, a + 1 | [a]], a}
#=> {[1, 1, 0], 0}

w = 1; {{w = w + 1, w = w + 10}, w}
#=> {{2, 11}, 1}
