# Kernel functions that are ordinary code, and Access.

defmodule Kernel do
  def then(value, fun), do: fun.(value)
  def is_map_key(map, key), do: :erlang.is_map_key(key, map)

  def tap(value, fun) do
    fun.(value)
    value
  end

  def is_struct(%{__struct__: s}) when is_atom(s), do: true
  def is_struct(_), do: false
  def is_struct(%{__struct__: s}, s) when is_atom(s), do: true
  def is_struct(_, _), do: false

  def is_exception(%{__exception__: true}), do: true
  def is_exception(_), do: false
  def is_exception(%{__struct__: s, __exception__: true}, s), do: true
  def is_exception(_, _), do: false

  def struct(mod, fields \\ [])
  def struct(mod, fields) when is_atom(mod), do: struct(mod.__struct__(), fields)

  def struct(%{__struct__: _} = s, fields) do
    Enum.reduce(fields, s, fn {k, v}, acc ->
      if :maps.is_key(k, acc) and k != :__struct__, do: :maps.put(k, v, acc), else: acc
    end)
  end

  def struct!(mod, fields \\ [])
  def struct!(mod, fields) when is_atom(mod), do: struct!(mod.__struct__(), fields)

  def struct!(%{__struct__: _} = s, fields) do
    Enum.reduce(fields, s, fn {k, v}, acc ->
      if :maps.is_key(k, acc) and k != :__struct__ do
        :maps.put(k, v, acc)
      else
        :erlang.error(KeyError.exception(key: k))
      end
    end)
  end

  def get_in(data, [key | rest]) do
    case rest do
      [] -> Access.get(data, key)
      _ -> get_in(Access.get(data, key), rest)
    end
  end

  def put_in(data, keys, value), do: update_in(data, keys, fn _ -> value end)

  def update_in(data, [key], fun), do: Access.put(data, key, fun.(Access.get(data, key)))
  def update_in(data, [key | rest], fun), do: Access.put(data, key, update_in(Access.get(data, key), rest, fun))

  def elem(tuple, index), do: :erlang.element(index + 1, tuple)
  def is_nil(x), do: x == nil
  def inspect(term), do: :erlang.apply(Kernel, :inspect, [term, []])
end

defmodule Access do
  def get(container, key, default \\ nil)
  def get(%{__struct__: s} = struct, key, _default) do
    :erlang.error(
      UndefinedFunctionError.exception(
        module: s,
        function: :fetch,
        arity: 2,
        message:
          "function " <> inspect(s) <> ".fetch/2 is undefined (" <> inspect(s) <>
            " does not implement the Access behaviour)"
      )
    )
    struct
  end

  def get(map, key, default) when is_map(map), do: :maps.get(key, map, default)

  def get(list, key, default) when is_list(list) and is_atom(key) do
    case :lists.keyfind(key, 1, list) do
      {_, v} -> v
      false -> default
    end
  end

  def get(list, key, _default) when is_list(list) do
    :erlang.error(
      ArgumentError.exception(
        "the Access calls for keywords expect the key to be an atom, got: " <> inspect(key)
      )
    )
  end

  def get(nil, _key, default), do: default

  def put(map, key, value) when is_map(map), do: :maps.put(key, value, map)
  def put(list, key, value) when is_list(list), do: Keyword.put(list, key, value)
  def put(nil, key, value), do: %{key => value}
end

defmodule Function do
  def info(fun, item), do: :erlang.fun_info(fun, item)
  def identity(value), do: value
end

defmodule Code do
  def ensure_loaded?(module), do: :code.is_loaded(module) != false
  def ensure_loaded(module), do: if(ensure_loaded?(module), do: {:module, module}, else: {:error, :nofile})
end
