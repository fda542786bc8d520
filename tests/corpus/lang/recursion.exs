# Recursion: tail calls run in constant space however deep; body
# recursion deep enough to outgrow a small stack; mutual recursion.

defmodule Rec do
  def sum_to(0, acc), do: acc
  def sum_to(n, acc), do: sum_to(n - 1, acc + n)

  def len([]), do: 0
  def len([_ | t]), do: 1 + len(t)

  def even?(0), do: true
  def even?(n), do: odd?(n - 1)
  def odd?(0), do: false
  def odd?(n), do: even?(n - 1)

  def fib(0), do: 0
  def fib(1), do: 1
  def fib(n), do: fib(n - 1) + fib(n - 2)

  def loop(0), do: :done
  def loop(n) do
    if rem(n, 2) == 0, do: loop(n - 1), else: loop(n - 1)
  end

  def via_case(n) do
    case n do
      0 -> :bottom
      _ -> via_case(n - 1)
    end
  end
end; :ok
#=> :ok

Rec.sum_to(1_000_000, 0)
#=> 500000500000

Rec.len(Enum.to_list(1..100_000))
#=> 100000

Rec.even?(100_001)
#=> false

Rec.fib(20)
#=> 6765

Rec.loop(1_000_000)
#=> :done

Rec.via_case(1_000_000)
#=> :bottom

countdown = fn
  0, _ -> :liftoff
  n, f -> f.(n - 1, f)
end
#=> #Function<41.3316493/2 in :erl_eval.expr/6>

countdown.(1_000_000, countdown)
#=> :liftoff
