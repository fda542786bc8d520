# Guards: type checks, comparisons, `and`/`or`, `in`, several `when`,
# guard functions, and a guard that raises only failing its clause.

classify = fn
  x when is_integer(x) and x > 0 -> :positive
  x when is_integer(x) -> :non_positive
  x when is_float(x) -> :float
  x when is_atom(x) or is_binary(x) -> :name
  _ -> :other
end
#=> #Function<42.3316493/1 in :erl_eval.expr/6>

Enum.map([3, -1, 2.5, :a, "b", [1]], classify)
#=> [:positive, :non_positive, :float, :name, :name, :other]

case 5 do
  n when n in 1..3 -> :low
  n when n in [4, 5, 6] -> :mid
  _ -> :high
end
#=> :mid

case {1, 2} do
  t when tuple_size(t) == 2 and elem(t, 0) == 1 -> :pair_starting_with_one
end
#=> :pair_starting_with_one

case :a do
  x when length(x) > 0 -> 1
  _ -> 2
end
#=> 2

case [1, 2, 3] do
  l when hd(l) == 1 when length(l) > 10 -> :either
  _ -> :neither
end
#=> :either

case %{a: 1} do
  m when map_size(m) == 1 and is_map_key(m, :a) -> :has_a
end
#=> :has_a

# known-failing: binary_part/3 is not imported from Kernel (CompileError undefined function binary_part/3)
case "abc" do
  s when byte_size(s) > 2 and binary_part(s, 0, 1) == "a" -> :starts_with_a
  _ -> :no
end
#=> :starts_with_a

case 7 do
  n when rem(n, 2) == 1 and div(n, 2) == 3 -> :seven
end
#=> :seven

case nil do
  x when is_nil(x) -> :nil
end
#=> nil

case 3 do
  x when not is_atom(x) and x * 2 == 6 -> :three
end
#=> :three

case self() do
  p when is_pid(p) and node(p) == node() -> :local_pid
end
#=> :local_pid

case :x do
  y when y -> :truthy
  _ -> :guard_needs_true
end
#=> :guard_needs_true

case 1 do
  x when is_integer(x) and x > 5 -> :big
end
#=> ** (CaseClauseError) no case clause matching: 1

case 1 do
  x when x && true -> :ok
end
#=> ** (ArgumentError) invalid expression in guard, && is not allowed in guards. To learn more about guards, visit: https://hexdocs.pm/elixir/patterns-and-guards.html
