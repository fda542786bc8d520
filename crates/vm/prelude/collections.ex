# List, Map, Keyword, Tuple and MapSet.

defmodule List do
  def ascii_printable?(list, limit \\ :infinity)
      when is_list(list) and (limit == :infinity or (is_integer(limit) and limit >= 0)) do
    ascii_printable_list(list, limit)
  end

  defp ascii_printable_list(_list, 0), do: true
  defp ascii_printable_list([], _limit), do: true

  defp ascii_printable_list([c | rest], limit) when is_integer(c) and c >= 32 and c <= 126 or c in [?\n, ?\r, ?\t, ?\v, ?\b, ?\f, ?\e, ?\a] do
    ascii_printable_list(rest, if(limit == :infinity, do: limit, else: limit - 1))
  end

  defp ascii_printable_list(_list, _limit), do: false

  def first(list, default \\ nil)
  def first([], default), do: default
  def first([h | _], _default), do: h

  def last(list, default \\ nil)
  def last([], default), do: default
  def last([h], _default), do: h
  def last([_ | t], default), do: last(t, default)

  def flatten(list), do: :lists.flatten(list)
  def flatten(list, tail), do: :lists.flatten(list, tail)
  def delete(list, item), do: :lists.delete(item, list)
  def duplicate(elem, n), do: :lists.duplicate(n, elem)
  def wrap(nil), do: []
  def wrap(list) when is_list(list), do: list
  def wrap(other), do: [other]
  def zip(lists), do: Enum.zip(lists)
  def foldl(list, acc, fun) when is_list(list), do: Enum.reduce(list, acc, fun)
  def foldr(list, acc, fun) when is_list(list), do: Enum.reduce(:lists.reverse(list), acc, fun)

  def delete_at(list, index) do
    i = if index < 0, do: length(list) + index, else: index
    if i < 0 or i >= length(list), do: list, else: Enum.take(list, i) ++ Enum.drop(list, i + 1)
  end

  def insert_at(list, index, value) do
    i = if index < 0, do: length(list) + index + 1, else: index
    i = max(i, 0)
    Enum.take(list, i) ++ [value | Enum.drop(list, i)]
  end

  def replace_at(list, index, value) do
    i = if index < 0, do: length(list) + index, else: index
    if i < 0 or i >= length(list), do: list, else: Enum.take(list, i) ++ [value | Enum.drop(list, i + 1)]
  end

  def update_at(list, index, fun) do
    i = if index < 0, do: length(list) + index, else: index
    if i < 0 or i >= length(list), do: list, else: replace_at(list, i, fun.(Enum.at(list, i)))
  end

  def pop_at(list, index, default \\ nil) do
    i = if index < 0, do: length(list) + index, else: index
    if i < 0 or i >= length(list), do: {default, list}, else: {Enum.at(list, i), delete_at(list, i)}
  end

  def keyfind(list, key, position, default \\ nil) do
    case :lists.keyfind(key, position + 1, list) do
      false -> default
      t -> t
    end
  end

  def keydelete(list, key, position), do: :lists.keydelete(key, position + 1, list)
  def keystore(list, key, position, tuple), do: :lists.keystore(key, position + 1, list, tuple)
  def keyreplace(list, key, position, tuple), do: :lists.keyreplace(key, position + 1, list, tuple)
  def to_charlist(list), do: list
end

defmodule Map do
  def new, do: %{}
  def new(e), do: Enum.into(e, %{})
  def new(e, fun), do: Enum.into(e, %{}, fun)
  def get(map, key, default \\ nil), do: :maps.get(key, map, default)
  def fetch(map, key), do: :maps.find(key, map)

  def fetch!(map, key) do
    case :maps.find(key, map) do
      {:ok, v} -> v
      :error -> :erlang.error(KeyError.exception(key: key, term: map))
    end
  end

  def put(map, key, value), do: :maps.put(key, value, map)
  def put_new(map, key, value), do: if(:maps.is_key(key, map), do: map, else: :maps.put(key, value, map))
  def delete(map, key), do: :maps.remove(key, map)
  def has_key?(map, key), do: :maps.is_key(key, map)
  def keys(map), do: :maps.keys(map)
  def values(map), do: :maps.values(map)
  def to_list(map), do: :maps.to_list(map)
  def merge(a, b), do: :maps.merge(a, b)

  def merge(a, b, fun) do
    Enum.reduce(:maps.to_list(b), a, fn {k, v}, acc ->
      case :maps.find(k, acc) do
        {:ok, old} -> :maps.put(k, fun.(k, old, v), acc)
        :error -> :maps.put(k, v, acc)
      end
    end)
  end

  def update(map, key, default, fun) do
    case :maps.find(key, map) do
      {:ok, v} -> :maps.put(key, fun.(v), map)
      :error -> :maps.put(key, default, map)
    end
  end

  def update!(map, key, fun) do
    case :maps.find(key, map) do
      {:ok, v} -> :maps.put(key, fun.(v), map)
      :error -> :erlang.error(KeyError.exception(key: key, term: map))
    end
  end

  def replace!(map, key, value) do
    if :maps.is_key(key, map), do: :maps.put(key, value, map), else: :erlang.error(KeyError.exception(key: key, term: map))
  end

  def take(map, keys), do: :maps.with(keys, map)
  def drop(map, keys), do: :maps.without(keys, map)

  def pop(map, key, default \\ nil) do
    case :maps.find(key, map) do
      {:ok, v} -> {v, :maps.remove(key, map)}
      :error -> {default, map}
    end
  end

  def get_and_update(map, key, fun) do
    current = :maps.get(key, map, nil)

    case fun.(current) do
      {get, new} -> {get, :maps.put(key, new, map)}
      :pop -> {current, :maps.remove(key, map)}
    end
  end

  def filter(map, fun), do: :maps.from_list(Enum.filter(:maps.to_list(map), fun))
  def reject(map, fun), do: :maps.from_list(Enum.reject(:maps.to_list(map), fun))
  def from_struct(%{__struct__: _} = s), do: :maps.remove(:__struct__, s)
  def from_struct(mod) when is_atom(mod), do: :maps.remove(:__struct__, mod.__struct__())
  def split(map, keys), do: {:maps.with(keys, map), :maps.without(keys, map)}
  def equal?(a, b), do: a === b
end

defmodule Keyword do
  def new, do: []
  def new(pairs), do: Enum.reduce(pairs, [], fn {k, v}, acc -> put(acc, k, v) end)

  def get(keywords, key, default \\ nil) when is_list(keywords) and is_atom(key) do
    case :lists.keyfind(key, 1, keywords) do
      {^key, v} -> v
      false -> default
    end
  end

  def get_values(keywords, key), do: for({k, v} <- keywords, k == key, do: v)

  def fetch(keywords, key) do
    case :lists.keyfind(key, 1, keywords) do
      {^key, v} -> {:ok, v}
      false -> :error
    end
  end

  def fetch!(keywords, key) do
    case :lists.keyfind(key, 1, keywords) do
      {^key, v} -> v
      false -> :erlang.error(KeyError.exception(key: key, term: keywords))
    end
  end

  def put(keywords, key, value) when is_list(keywords) and is_atom(key), do: [{key, value} | delete(keywords, key)]
  def put_new(keywords, key, value), do: if(has_key?(keywords, key), do: keywords, else: [{key, value} | keywords])
  def delete(keywords, key) when is_list(keywords) and is_atom(key), do: for({k, _} = p <- keywords, k != key, do: p)
  def has_key?(keywords, key), do: :lists.keymember(key, 1, keywords)
  def keys(keywords), do: for({k, _} <- keywords, do: k)
  def values(keywords), do: for({_, v} <- keywords, do: v)

  def merge(a, b) do
    keys = keys(b)
    for({k, _} = p <- a, not :lists.member(k, keys), do: p) ++ b
  end

  def take(keywords, keys), do: for({k, _} = p <- keywords, :lists.member(k, keys), do: p)
  def drop(keywords, keys), do: for({k, _} = p <- keywords, not :lists.member(k, keys), do: p)

  def update(keywords, key, default, fun) do
    case fetch(keywords, key) do
      {:ok, v} -> put(keywords, key, fun.(v))
      :error -> keywords ++ [{key, default}]
    end
  end

  def pop(keywords, key, default \\ nil) do
    case fetch(keywords, key) do
      {:ok, v} -> {v, delete(keywords, key)}
      :error -> {default, keywords}
    end
  end
end

defmodule Tuple do
  def to_list(tuple), do: :erlang.tuple_to_list(tuple)
  def append(tuple, value), do: :erlang.append_element(tuple, value)
  def insert_at(tuple, index, value), do: :erlang.list_to_tuple(List.insert_at(:erlang.tuple_to_list(tuple), index, value))
  def delete_at(tuple, index), do: :erlang.list_to_tuple(List.delete_at(:erlang.tuple_to_list(tuple), index))
  def duplicate(data, size), do: :erlang.make_tuple(size, data)
end

defmodule MapSet do
  def new, do: %{__struct__: MapSet, map: %{}, version: 2}
  def new(%{__struct__: MapSet} = set), do: set
  def new(e), do: %{__struct__: MapSet, map: :maps.from_keys(Enum.to_list(e), []), version: 2}
  def put(%{map: m} = set, v), do: %{set | map: :maps.put(v, [], m)}
  def delete(%{map: m} = set, v), do: %{set | map: :maps.remove(v, m)}
  def member?(%{map: m}, v), do: :maps.is_key(v, m)
  def size(%{map: m}), do: map_size(m)
  def to_list(%{map: m}), do: :maps.keys(m)
  def union(%{map: a} = set, %{map: b}), do: %{set | map: :maps.merge(a, b)}
  def intersection(%{map: a} = set, %{map: b}), do: %{set | map: :maps.with(:maps.keys(b), a)}
  def difference(%{map: a} = set, %{map: b}), do: %{set | map: :maps.without(:maps.keys(b), a)}
end

defmodule Range do
  def new(first, last), do: Beamplay.Runtime.range(first, last)
  def new(first, last, step), do: Beamplay.Runtime.range(first, last, step)
  def size(range), do: Enum.count(range)
end
