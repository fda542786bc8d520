# Ranges: Enum over them answers without making their list.

Enum.sum(1..10_000_000)
#=> 50000005000000

Enum.count(1..100_000_000)
#=> 100000000

{Enum.sum(10..1//-3), Enum.sum(1..0//1), Enum.count(1..10//3), Enum.count(5..1)}
#=> {22, 0, 4, 5}

{Enum.member?(1..10//3, 7), Enum.member?(1..10//3, 8), Enum.member?(10..1//-3, 4), Enum.member?(1..3, 2.0), 5 in 1..100_000_000}
#=> {true, false, true, false, true}

{Enum.take(1..100_000_000, 3), Enum.drop(1..10, 8), Enum.take(5..1, 2), Enum.drop(5..1, 3), Enum.take(1..3, 10)}
#=> {[1, 2, 3], '\t\n', [5, 4], [2, 1], [1, 2, 3]}

{Enum.at(1..100_000_000, -1), Enum.at(1..10, 20, :none), Enum.fetch(5..1, 4), Enum.fetch(5..1, 5)}
#=> {100000000, :none, {:ok, 1}, :error}

{Enum.max(1..10//4), Enum.min(10..1//-4), Enum.max(-5..-1), Enum.min(3..1)}
#=> {9, 2, -1, 1}

Enum.max(1..0//1)
#=> ** (Enum.EmptyError) empty error

{Enum.find(1..100_000_000, &(&1 > 5)), Enum.any?(1..100_000_000, &(&1 == 7)), Enum.all?(1..100_000_000, &(&1 < 3))}
#=> {6, true, false}

{Enum.find_index(1..10, &(&1 == 4)), Enum.find_value(1..100_000_000, &(&1 > 2 and &1 * 10)), Enum.take_while(1..100_000_000, &(&1 < 4))}
#=> {3, 30, [1, 2, 3]}

{Enum.reduce(1..4, &+/2), Enum.empty?(1..0//1), Enum.empty?(1..1), Enum.filter(1..10, &(rem(&1, 3) == 0))}
#=> {10, true, false, [3, 6, 9]}

Enum.reduce(1..0//1, &+/2)
#=> ** (Enum.EmptyError) empty error

Enum.reduce_while(1..100_000_000, 0, fn x, acc -> if x > 3, do: {:halt, acc}, else: {:cont, acc + x} end)
#=> 6

for x <- 1..1_000_000, reduce: 0 do
  acc -> acc + x
end
#=> 500000500000

{Enum.product(1..10), Enum.count(1..100, &(rem(&1, 7) == 0)), Enum.max_by(1..5, &rem(&1, 3))}
#=> {3628800, 14, 2}

Enum.at(1..10, 2.0)
#=> ** (FunctionClauseError) no function clause matching in Enum.at/3

Enum.take(1..3, :a)
#=> ** (FunctionClauseError) no function clause matching in Enum.take/2

{List.ascii_printable?([?a, ?b, 127]), List.ascii_printable?(~c"abc", 2)}
#=> {false, true}
