# Enum over lists, ranges, maps and MapSets, in the shape of Elixir 1.14's
# enum.ex (same function heads, so errors name the same functions).

defmodule Enum do
  # the elements of any enumerable, as a list
  defp to_l(list) when is_list(list), do: list
  defp to_l(%{__struct__: Range, first: first, last: last, step: step}), do: range_list(first, last, step)
  defp to_l(%{__struct__: MapSet, map: map}), do: :maps.keys(map)
  defp to_l(%{__struct__: _} = s), do: :erlang.error(Protocol.UndefinedError.exception(protocol: Enumerable, value: s))
  defp to_l(map) when is_map(map), do: :maps.to_list(map)
  defp to_l(other), do: :erlang.error(Protocol.UndefinedError.exception(protocol: Enumerable, value: other))

  # the elements in the order Enum.reduce/3 (:maps.fold/3 for a map) visits
  # them: for a map of more than 32 keys, the reverse of :maps.to_list/1's
  defp to_f(%{__struct__: _} = e), do: to_l(e)
  defp to_f(map) when is_map(map), do: Beamplay.Runtime.map_fold_list(map)
  defp to_f(e), do: to_l(e)

  defp range_list(first, last, step) when step > 0 and first > last, do: []
  defp range_list(first, last, step) when step < 0 and first < last, do: []
  defp range_list(first, last, step), do: :lists.seq(first, first + div(last - first, step) * step, step)

  # ranges are never made into lists where the answer does not need one:
  # their size, sum, bounds and members are arithmetic, and walks that may
  # stop early go through reduce_while/3
  defp range_size(first, last, step) when step > 0 and first > last, do: 0
  defp range_size(first, last, step) when step < 0 and first < last, do: 0
  defp range_size(first, last, step), do: div(last - first, step) + 1

  # the last element a range reaches
  defp range_end(first, last, step), do: first + div(last - first, step) * step

  def to_list(e), do: to_l(e)

  # a range is mapped without making its list
  def map(%{__struct__: Range, first: first, last: last, step: step}, fun) when step > 0, do: map_up(first, last, step, fun, [])
  def map(%{__struct__: Range, first: first, last: last, step: step}, fun), do: map_down(first, last, step, fun, [])
  def map(e, fun), do: map_list(to_f(e), fun, [])
  defp map_list([h | t], fun, acc), do: map_list(t, fun, [fun.(h) | acc])
  defp map_list([], _fun, acc), do: :lists.reverse(acc)
  defp map_up(i, last, step, fun, acc) when i <= last, do: map_up(i + step, last, step, fun, [fun.(i) | acc])
  defp map_up(_i, _last, _step, _fun, acc), do: :lists.reverse(acc)
  defp map_down(i, last, step, fun, acc) when i >= last, do: map_down(i + step, last, step, fun, [fun.(i) | acc])
  defp map_down(_i, _last, _step, _fun, acc), do: :lists.reverse(acc)

  # a range is walked without making its list
  def each(%{__struct__: Range, first: first, last: last, step: step}, fun) when step > 0, do: each_up(first, last, step, fun)
  def each(%{__struct__: Range, first: first, last: last, step: step}, fun), do: each_down(first, last, step, fun)

  def each(e, fun) do
    each_list(to_f(e), fun)
    :ok
  end

  defp each_up(i, last, step, fun) when i <= last do
    fun.(i)
    each_up(i + step, last, step, fun)
  end

  defp each_up(_i, _last, _step, _fun), do: :ok

  defp each_down(i, last, step, fun) when i >= last do
    fun.(i)
    each_down(i + step, last, step, fun)
  end

  defp each_down(_i, _last, _step, _fun), do: :ok

  defp each_list([h | t], fun) do
    fun.(h)
    each_list(t, fun)
  end

  defp each_list([], _fun), do: :ok

  def reduce(%{__struct__: Range, first: first, last: last, step: step} = range, fun) do
    case range_size(first, last, step) do
      0 -> :erlang.error(Enum.EmptyError.exception([]))
      _ -> reduce(%{range | first: first + step}, first, fun)
    end
  end

  def reduce(e, fun) do
    case to_l(e) do
      [h | t] -> reduce_list(t, h, fun)
      [] -> :erlang.error(Enum.EmptyError.exception([]))
    end
  end

  def reduce(%{__struct__: Range, first: first, last: last, step: step}, acc, fun) when step > 0, do: reduce_up(first, last, step, acc, fun)
  def reduce(%{__struct__: Range, first: first, last: last, step: step}, acc, fun), do: reduce_down(first, last, step, acc, fun)
  def reduce(e, acc, fun), do: reduce_list(to_f(e), acc, fun)
  defp reduce_up(i, last, step, acc, fun) when i <= last, do: reduce_up(i + step, last, step, fun.(i, acc), fun)
  defp reduce_up(_i, _last, _step, acc, _fun), do: acc
  defp reduce_down(i, last, step, acc, fun) when i >= last, do: reduce_down(i + step, last, step, fun.(i, acc), fun)
  defp reduce_down(_i, _last, _step, acc, _fun), do: acc
  defp reduce_list([h | t], acc, fun), do: reduce_list(t, fun.(h, acc), fun)
  defp reduce_list([], acc, _fun), do: acc

  def reduce_while(%{__struct__: Range, first: first, last: last, step: step}, acc, fun), do: reduce_while_range(first, range_size(first, last, step), step, acc, fun)
  def reduce_while(e, acc, fun), do: reduce_while_list(to_l(e), acc, fun)
  defp reduce_while_list([], acc, _fun), do: acc

  defp reduce_while_range(_i, 0, _step, acc, _fun), do: acc

  defp reduce_while_range(i, left, step, acc, fun) do
    case fun.(i, acc) do
      {:cont, acc} -> reduce_while_range(i + step, left - 1, step, acc, fun)
      {:halt, acc} -> acc
    end
  end

  defp reduce_while_list([h | t], acc, fun) do
    case fun.(h, acc) do
      {:cont, acc} -> reduce_while_list(t, acc, fun)
      {:halt, acc} -> acc
    end
  end

  def map_reduce(e, acc, fun) do
    {list, acc} = reduce(e, {[], acc}, fn x, {l, a} -> {v, a} = fun.(x, a); {[v | l], a} end)
    {:lists.reverse(list), acc}
  end

  def filter(e, fun), do: for(x <- e, fun.(x), do: x)
  def reject(e, fun), do: for(x <- e, !fun.(x), do: x)

  def sum(%{__struct__: Range, first: first, last: last, step: step}) do
    case range_size(first, last, step) do
      0 -> 0
      n -> div(n * (first + range_end(first, last, step)), 2)
    end
  end

  def sum(e), do: :lists.sum(to_l(e))
  def product(e), do: reduce(e, 1, fn x, acc -> acc * x end)

  def count(%{__struct__: Range, first: first, last: last, step: step}), do: range_size(first, last, step)
  def count(e), do: length(to_l(e))
  def count(e, fun), do: reduce(e, 0, fn x, acc -> if fun.(x), do: acc + 1, else: acc end)

  def member?(%{__struct__: Range, first: first, last: last, step: step}, x) when is_integer(x) do
    n = range_size(first, last, step)
    i = div(x - first, step)
    n > 0 and rem(x - first, step) == 0 and i >= 0 and i < n
  end

  def member?(%{__struct__: Range}, _x), do: false
  def member?(e, x), do: :lists.member(x, to_l(e))
  def empty?(%{__struct__: Range, first: first, last: last, step: step}), do: range_size(first, last, step) == 0
  def empty?(e), do: to_l(e) == []

  def all?(e), do: all?(e, fn x -> x end)
  def all?(e, fun), do: reduce_while(e, true, fn x, _ -> if fun.(x), do: {:cont, true}, else: {:halt, false} end)

  def any?(e), do: any?(e, fn x -> x end)
  def any?(e, fun), do: reduce_while(e, false, fn x, _ -> if fun.(x), do: {:halt, true}, else: {:cont, false} end)

  def find(e, default \\ nil, fun), do: reduce_while(e, default, fn x, acc -> if fun.(x), do: {:halt, x}, else: {:cont, acc} end)

  def find_index(e, fun) do
    found = reduce_while(e, 0, fn x, i -> if fun.(x), do: {:halt, {:found, i}}, else: {:cont, i + 1} end)

    case found do
      {:found, i} -> i
      _ -> nil
    end
  end

  def find_value(e, default \\ nil, fun) do
    reduce_while(e, default, fn x, acc ->
      v = fun.(x)
      if v, do: {:halt, v}, else: {:cont, acc}
    end)
  end

  def at(e, index, default \\ nil)

  def at(%{__struct__: Range, first: first, last: last, step: step}, index, default) when is_integer(index) do
    n = range_size(first, last, step)
    i = if index < 0, do: n + index, else: index
    if i < 0 or i >= n, do: default, else: first + i * step
  end

  def at(e, index, default) when is_integer(index) do
    list = to_l(e)
    i = if index < 0, do: length(list) + index, else: index
    if i < 0, do: default, else: at_list(list, i, default)
  end

  defp at_list([h | _], 0, _default), do: h
  defp at_list([_ | t], i, default), do: at_list(t, i - 1, default)
  defp at_list([], _i, default), do: default

  def fetch(%{__struct__: Range, first: first, last: last, step: step} = range, index) when is_integer(index) do
    n = range_size(first, last, step)
    i = if index < 0, do: n + index, else: index
    if i < 0 or i >= n, do: :error, else: {:ok, at(range, i, nil)}
  end

  def fetch(e, index) when is_integer(index) do
    list = to_l(e)
    i = if index < 0, do: length(list) + index, else: index
    if i < 0 or i >= length(list), do: :error, else: {:ok, at_list(list, i, nil)}
  end

  def fetch!(e, index) do
    case fetch(e, index) do
      {:ok, v} -> v
      :error -> :erlang.error(Enum.OutOfBoundsError.exception([]))
    end
  end

  def reverse(e), do: :lists.reverse(to_l(e))
  def reverse(e, tail), do: :lists.reverse(to_l(e), to_l(tail))

  def sort(e), do: :lists.sort(to_l(e))
  def sort(e, :asc), do: :lists.sort(to_l(e))
  def sort(e, :desc), do: :lists.reverse(sort_by_fun(:lists.reverse(to_l(e)), fn a, b -> a <= b end))
  def sort(e, fun) when is_function(fun, 2), do: sort_by_fun(to_l(e), fun)

  def sort_by(e, mapper, sorter \\ :asc) do
    pairs = map(e, fn x -> {mapper.(x), x} end)

    cmp =
      case sorter do
        :asc -> fn {a, _}, {b, _} -> a <= b end
        :desc -> fn {a, _}, {b, _} -> a >= b end
        f -> fn {a, _}, {b, _} -> f.(a, b) end
      end

    map(sort_by_fun(pairs, cmp), fn {_, x} -> x end)
  end

  # stable merge sort with a "less or equal" function
  defp sort_by_fun([], _fun), do: []
  defp sort_by_fun([x], _fun), do: [x]

  defp sort_by_fun(list, fun) do
    {a, b} = :lists.split(div(length(list), 2), list)
    merge(sort_by_fun(a, fun), sort_by_fun(b, fun), fun, [])
  end

  defp merge([], b, _fun, acc), do: :lists.reverse(acc, b)
  defp merge(a, [], _fun, acc), do: :lists.reverse(acc, a)

  defp merge([x | xs] = a, [y | ys] = b, fun, acc) do
    if fun.(x, y), do: merge(xs, b, fun, [x | acc]), else: merge(a, ys, fun, [y | acc])
  end

  def max(%{__struct__: Range, first: first, last: last, step: step}) do
    cond do
      range_size(first, last, step) == 0 -> :erlang.error(Enum.EmptyError.exception([]))
      step > 0 -> range_end(first, last, step)
      true -> first
    end
  end

  def max(e) do
    case to_l(e) do
      [] -> :erlang.error(Enum.EmptyError.exception([]))
      list -> :lists.max(list)
    end
  end

  def min(%{__struct__: Range, first: first, last: last, step: step}) do
    cond do
      range_size(first, last, step) == 0 -> :erlang.error(Enum.EmptyError.exception([]))
      step > 0 -> first
      true -> range_end(first, last, step)
    end
  end

  def min(e) do
    case to_l(e) do
      [] -> :erlang.error(Enum.EmptyError.exception([]))
      list -> :lists.min(list)
    end
  end

  def max_by(e, fun), do: reduce(e, fn x, acc -> if fun.(x) > fun.(acc), do: x, else: acc end)
  def min_by(e, fun), do: reduce(e, fn x, acc -> if fun.(x) < fun.(acc), do: x, else: acc end)
  def min_max(e), do: {min(e), max(e)}

  def join(e, joiner \\ "") do
    to_l(e) |> map(&to_string/1) |> intersperse(joiner) |> :erlang.iolist_to_binary()
  end

  def map_join(e, joiner \\ "", mapper) do
    to_l(e) |> map(fn x -> to_string(mapper.(x)) end) |> intersperse(joiner) |> :erlang.iolist_to_binary()
  end

  def intersperse(e, sep) do
    case to_l(e) do
      [] -> []
      [h | t] -> [h | reduce(:lists.reverse(t), [], fn x, acc -> [sep, x | acc] end)]
    end
  end

  def into(e, collectable) when is_list(collectable), do: collectable ++ to_l(e)
  def into(e, %{__struct__: MapSet} = set), do: MapSet.union(set, MapSet.new(e))

  def into(e, map) when is_map(map) do
    reduce(to_l(e), map, fn {k, v}, acc -> :maps.put(k, v, acc) end)
  end

  def into(e, bin) when is_binary(bin), do: :erlang.iolist_to_binary([bin | map(e, &to_string/1)])
  def into(e, collectable, fun), do: into(map(e, fun), collectable)

  def take(_e, 0), do: []
  def take(%{__struct__: Range, first: first, last: last, step: step}, n) when is_integer(n) and n > 0, do: range_list(first, first + (min(n, range_size(first, last, step)) - 1) * step, step)
  def take(e, n) when is_integer(n) and n > 0, do: :lists.sublist(to_l(e), n)

  def take(e, n) when is_integer(n) and n < 0 do
    list = to_l(e)
    drop(list, max(length(list) + n, 0))
  end

  def drop(%{__struct__: Range, first: first, last: last, step: step}, n) when is_integer(n) and n >= 0, do: range_list(first + min(n, range_size(first, last, step)) * step, last, step)
  def drop(e, n) when is_integer(n) and n >= 0, do: drop_list(to_l(e), n)

  def drop(e, n) when is_integer(n) and n < 0 do
    list = to_l(e)
    :lists.sublist(list, max(length(list) + n, 0))
  end

  defp drop_list(list, 0), do: list
  defp drop_list([_ | t], n), do: drop_list(t, n - 1)
  defp drop_list([], _n), do: []

  def take_while(e, fun), do: :lists.reverse(reduce_while(e, [], fn x, acc -> if fun.(x), do: {:cont, [x | acc]}, else: {:halt, acc} end))

  def drop_while(e, fun), do: drop_while_list(to_l(e), fun)
  defp drop_while_list([h | t] = l, fun), do: if(fun.(h), do: drop_while_list(t, fun), else: l)
  defp drop_while_list([], _fun), do: []

  def split(e, n) when n >= 0 do
    list = to_l(e)
    {take(list, n), drop(list, n)}
  end

  def split(e, n) do
    list = to_l(e)
    split(list, max(length(list) + n, 0))
  end

  def split_with(e, fun) do
    {a, b} = reduce(to_l(e), {[], []}, fn x, {a, b} -> if fun.(x), do: {[x | a], b}, else: {a, [x | b]} end)
    {:lists.reverse(a), :lists.reverse(b)}
  end

  def with_index(e, offset \\ 0)

  def with_index(e, fun) when is_function(fun, 2) do
    {list, _} = map_reduce(e, 0, fn x, i -> {fun.(x, i), i + 1} end)
    list
  end

  def with_index(e, offset) do
    {list, _} = map_reduce(e, offset, fn x, i -> {{x, i}, i + 1} end)
    list
  end

  def zip(a, b), do: zip_lists(to_l(a), to_l(b), [])
  defp zip_lists([x | xs], [y | ys], acc), do: zip_lists(xs, ys, [{x, y} | acc])
  defp zip_lists(_, _, acc), do: :lists.reverse(acc)

  def zip([]), do: []

  def zip(enums) do
    lists = map(enums, &to_l/1)

    if any?(lists, fn l -> l == [] end) do
      []
    else
      [:erlang.list_to_tuple(map(lists, &hd/1)) | zip(map(lists, &tl/1))]
    end
  end

  def zip_with(a, b, fun), do: map(zip(a, b), fn {x, y} -> fun.(x, y) end)

  def unzip(e) do
    {a, b} = reduce(to_l(e), {[], []}, fn {x, y}, {a, b} -> {[x | a], [y | b]} end)
    {:lists.reverse(a), :lists.reverse(b)}
  end

  def flat_map(e, fun), do: reduce(to_f(e), [], fn x, acc -> :lists.reverse(to_l(fun.(x)), acc) end) |> :lists.reverse()

  def concat(enums), do: flat_map(enums, fn e -> to_l(e) end)
  def concat(a, b), do: to_l(a) ++ to_l(b)

  def uniq(e), do: uniq_by(e, fn x -> x end)

  def uniq_by(e, fun) do
    {list, _} =
      reduce(to_l(e), {[], %{}}, fn x, {acc, seen} ->
        k = fun.(x)
        if :maps.is_key(k, seen), do: {acc, seen}, else: {[x | acc], :maps.put(k, true, seen)}
      end)

    :lists.reverse(list)
  end

  def dedup(e) do
    reduce(to_l(e), [], fn
      x, [x | _] = acc -> acc
      x, acc -> [x | acc]
    end)
    |> :lists.reverse()
  end

  def frequencies(e), do: reduce(to_l(e), %{}, fn x, acc -> :maps.put(x, :maps.get(x, acc, 0) + 1, acc) end)

  def group_by(e, key_fun, value_fun \\ fn x -> x end) do
    reduce(:lists.reverse(to_l(e)), %{}, fn x, acc ->
      k = key_fun.(x)
      :maps.put(k, [value_fun.(x) | :maps.get(k, acc, [])], acc)
    end)
  end

  def chunk_every(e, count), do: chunk_every(e, count, count, [])
  def chunk_every(e, count, step), do: chunk_every(e, count, step, [])

  def chunk_every(e, count, step, leftover) do
    chunk_list(to_l(e), count, step, leftover, [])
  end

  defp chunk_list([], _count, _step, _leftover, acc), do: :lists.reverse(acc)

  defp chunk_list(list, count, step, leftover, acc) do
    chunk = take(list, count)

    cond do
      length(chunk) == count ->
        rest = drop(list, step)
        if length(list) <= count and rest == [] or length(list) == count, do: :lists.reverse([chunk | acc]), else: chunk_list(rest, count, step, leftover, [chunk | acc])

      leftover == :discard ->
        :lists.reverse(acc)

      true ->
        :lists.reverse([chunk ++ take(to_l(leftover), count - length(chunk)) | acc])
    end
  end

  def chunk_by(e, fun) do
    reduce(to_l(e), [], fn
      x, [] -> [{fun.(x), [x]}]
      x, [{k, chunk} | rest] = acc ->
        k2 = fun.(x)
        if k2 == k, do: [{k, [x | chunk]} | rest], else: [{k2, [x]} | acc]
    end)
    |> map(fn {_, c} -> :lists.reverse(c) end)
    |> :lists.reverse()
  end

  def scan(e, fun) do
    case to_l(e) do
      [] -> []
      [h | t] -> [h | scan(t, h, fun)]
    end
  end

  def scan(e, acc, fun) do
    {list, _} = map_reduce(e, acc, fn x, a -> v = fun.(x, a); {v, v} end)
    list
  end

  def slice(e, %{__struct__: Range, first: first, last: last}) do
    list = to_l(e)
    n = length(list)
    f = if first < 0, do: n + first, else: first
    l = if last < 0, do: n + last, else: last
    if f > l or f >= n, do: [], else: :lists.sublist(list, f + 1, l - f + 1)
  end

  def slice(e, start, count) do
    list = to_l(e)
    s = if start < 0, do: max(length(list) + start, 0), else: start
    take(drop(list, s), count)
  end

  def random(%{__struct__: Range, first: first, last: last, step: step}) do
    case range_size(first, last, step) do
      0 -> :erlang.error(Enum.EmptyError.exception([]))
      n -> first + (:rand.uniform(n) - 1) * step
    end
  end

  def random(e) do
    case to_l(e) do
      [] -> :erlang.error(Enum.EmptyError.exception([]))
      list -> at(list, :rand.uniform(length(list)) - 1)
    end
  end

  def shuffle(e), do: to_l(e) |> map(fn x -> {:rand.uniform(), x} end) |> :lists.sort() |> map(fn {_, x} -> x end)
  def take_random(e, n), do: take(shuffle(e), n)
end
