# Ranges as a learner uses them (issue 17): none of these makes the
# range's list, here or in real Elixir. Prints "name microseconds", as
# ../shared/bench/workloads.exs does:
#   beamplay bench --workloads bench/ranges.exs
{t, _} = :timer.tc(fn -> Enum.sum(1..10_000_000) end)
IO.puts("sum_range10m #{t}")
{t, _} = :timer.tc(fn -> Enum.count(1..100_000_000) end)
IO.puts("count_range100m #{t}")
{t, _} = :timer.tc(fn -> Enum.member?(1..100_000_000, 99_999_999) end)
IO.puts("member_range100m #{t}")
{t, _} = :timer.tc(fn -> Enum.take(1..100_000_000, 5) end)
IO.puts("take_range100m #{t}")
{t, _} = :timer.tc(fn -> Enum.reduce(1..1_000_000, 0, fn x, acc -> x + acc end) end)
IO.puts("reduce_range1m #{t}")
{t, _} = :timer.tc(fn -> for x <- 1..1_000_000, reduce: 0, do: (acc -> acc + x) end)
IO.puts("for_reduce1m #{t}")
