# for: generators, filters, pattern generators that skip, several
# generators, into (a map, a string), reduce, uniq, binary generators.

for x <- [1, 2, 3], do: x * 2
#=> [2, 4, 6]

for x <- 1..10, rem(x, 2) == 0, x > 4, do: x
#=> [6, 8, 10]

for {:ok, v} <- [{:ok, 1}, :error, {:ok, 2}], do: v
#=> [1, 2]

for x <- [1, 2], y <- [:a, :b], do: {x, y}
#=> [{1, :a}, {1, :b}, {2, :a}, {2, :b}]

for x <- [1, 2, 3], y <- [x, x * 10], do: y
#=> [1, 10, 2, 20, 3, 30]

for {k, v} <- [a: 1, b: 2], into: %{}, do: {v, k}
#=> %{1 => :a, 2 => :b}

for c <- [?h, ?i], into: "", do: <<c>>
#=> "hi"

for x <- [1, 2, 3], reduce: 0 do
  acc -> acc + x
end
#=> 6

for x <- [1, 2, 3, 4], reduce: {[], []} do
  {evens, odds} when rem(x, 2) == 0 -> {[x | evens], odds}
  {evens, odds} -> {evens, [x | odds]}
end
#=> {[4, 2], [3, 1]}

for x <- [1, 1, 2, 2, 3], uniq: true, do: x
#=> [1, 2, 3]

for <<c <- "abc">>, do: c + 1
#=> 'bcd'

# known-failing: a binary generator of more than one segment is a CompileError here (undefined function r/0)
for <<r::8, g::8 <- <<1, 2, 3, 4>> >>, do: {r, g}
#=> [{1, 2}, {3, 4}]

for x <- [], do: x
#=> []

for x <- [1, 2], into: %{a: 0}, do: {x, x}
#=> %{1 => 1, 2 => 2, :a => 0}

n = 3
#=> 3

for i <- 1..n, j <- i..n, do: {i, j}
#=> [{1, 1}, {1, 2}, {1, 3}, {2, 2}, {2, 3}, {3, 3}]

for x <- :not_enumerable, do: x
#=> ** (Protocol.UndefinedError) protocol Enumerable not implemented for :not_enumerable of type Atom

for x when x > 1 <- [1, 2, 3], do: x
#=> [2, 3]
