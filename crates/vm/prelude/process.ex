# Process, IO and Node.

defmodule Process do
  def sleep(:infinity) do
    receive do
    end
  end

  def sleep(ms) when is_integer(ms) and ms >= 0 do
    receive do
    after
      ms -> :ok
    end
  end

  def alive?(pid), do: :erlang.is_process_alive(pid)
  def register(pid, name) when is_atom(name) and name not in [nil, false, true, :undefined] do
    try do
      :erlang.register(name, pid)
    rescue
      ArgumentError ->
        :erlang.error(
          ArgumentError.exception(
            "could not register " <> inspect(pid) <> " with name " <> inspect(name) <>
              " because it is not alive, the name is already taken, or it has already been given another name"
          )
        )
    end
  end

  def unregister(name), do: :erlang.unregister(name)

  def whereis(name) do
    case :erlang.whereis(name) do
      :undefined -> nil
      pid -> pid
    end
  end

  def registered, do: :erlang.registered()
  def list, do: :erlang.processes()
  def group_leader, do: :erlang.group_leader()
  def group_leader(pid, leader), do: :erlang.group_leader(leader, pid)
  def flag(flag, value), do: :erlang.process_flag(flag, value)
  def link(pid), do: :erlang.link(pid)
  def unlink(pid), do: :erlang.unlink(pid)
  def monitor(item), do: :erlang.monitor(:process, item)
  def demonitor(ref, opts \\ []), do: :erlang.demonitor(ref, opts)
  def exit(pid, reason), do: :erlang.exit(pid, reason)
  # :noconnect: a message for a node not connected is not sent, and the
  # send makes no connection
  def send(dest, msg, opts) do
    if :noconnect in opts and dest_node(dest) != node() and dest_node(dest) not in Node.list(:connected) do
      :noconnect
    else
      :erlang.send(dest, msg)
      :ok
    end
  end

  defp dest_node({_name, node}), do: node
  defp dest_node(pid) when is_pid(pid) or is_reference(pid), do: node(pid)
  defp dest_node(_name), do: node()
  def send_after(dest, msg, time, _opts \\ []), do: :erlang.send_after(time, dest, msg)
  def cancel_timer(ref, _opts \\ []), do: :erlang.cancel_timer(ref)
  def read_timer(ref), do: :erlang.read_timer(ref)
  def get, do: :erlang.get()

  def get(key, default \\ nil) do
    case :erlang.get(key) do
      :undefined -> default
      v -> v
    end
  end

  def put(key, value) do
    case :erlang.put(key, value) do
      :undefined -> nil
      v -> v
    end
  end

  def delete(key) do
    case :erlang.erase(key) do
      :undefined -> nil
      v -> v
    end
  end

  def get_keys, do: :erlang.get_keys()

  def info(pid) do
    case :erlang.process_info(pid) do
      :undefined -> nil
      info -> info
    end
  end

  def info(pid, :registered_name) do
    case :erlang.process_info(pid, :registered_name) do
      :undefined -> nil
      {:registered_name, nil} -> {:registered_name, []}
      other -> other
    end
  end

  def info(pid, item) do
    case :erlang.process_info(pid, item) do
      :undefined -> nil
      other -> other
    end
  end

  def spawn(fun, _opts), do: :erlang.spawn(fun)
end

defmodule IO do
  def puts(device \\ :stdio, item), do: put_chars(device, [to_chardata(item), ?\n])
  def write(device \\ :stdio, item), do: put_chars(device, to_chardata(item))

  def inspect(item, opts \\ []), do: inspect(:stdio, item, opts)

  def inspect(device, item, opts) do
    label = Keyword.get(opts, :label)
    opts = Keyword.merge([pretty: true, width: 80], Keyword.delete(opts, :label))
    text = Kernel.inspect(item, opts)
    text = if label, do: to_string(label) <> ": " <> text, else: text
    put_chars(device, [text, ?\n])
    item
  end

  defp to_chardata(item) when is_binary(item) or is_list(item), do: item
  defp to_chardata(item), do: to_string(item)

  defp put_chars(device, chars) do
    gl = if device == :stdio, do: Process.group_leader(), else: device
    ref = :erlang.make_ref()
    send(gl, {:io_request, self(), ref, {:put_chars, :unicode, chars}})

    receive do
      {:io_reply, ^ref, reply} -> reply
    end
  end
end

defmodule System do
  def version, do: "1.14.0"
  def otp_release, do: :erlang.list_to_binary(:erlang.system_info(:otp_release))
  def schedulers, do: :erlang.system_info(:schedulers)
  def schedulers_online, do: :erlang.system_info(:schedulers_online)
  def monotonic_time, do: :erlang.monotonic_time()
  def monotonic_time(unit), do: :erlang.monotonic_time(unit)
  def system_time, do: :erlang.system_time()
  def system_time(unit), do: :erlang.system_time(unit)
  def unique_integer(opts \\ []), do: :erlang.unique_integer(opts)
end
