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
  def register(pid, name) do
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
  def send(dest, msg, _opts), do: :erlang.send(dest, msg)
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

defmodule Node do
  def self, do: :erlang.node()
  def alive?, do: :erlang.is_alive()
  def list, do: :erlang.nodes()
  def list(which), do: :erlang.nodes(which)
  def connect(node), do: :net_kernel.connect_node(node)
  def disconnect(node), do: :erlang.disconnect_node(node)
  def ping(node), do: :net_adm.ping(node)
  def spawn(node, fun), do: Beamplay.Dist.spawn(node, :erlang, :apply, [fun, []], [])
  def spawn(node, m, f, a), do: Beamplay.Dist.spawn(node, m, f, a, [])
  def spawn_link(node, fun), do: Beamplay.Dist.spawn(node, :erlang, :apply, [fun, []], [:link])
  def spawn_link(node, m, f, a), do: Beamplay.Dist.spawn(node, m, f, a, [:link])
  def spawn_monitor(node, fun), do: Beamplay.Dist.spawn(node, :erlang, :apply, [fun, []], [:monitor])
  def spawn_monitor(node, m, f, a), do: Beamplay.Dist.spawn(node, m, f, a, [:monitor])
end

defmodule Beamplay.Dist do
  # erlang:spawn/2,4 and their link and monitor variants: a local spawn on
  # this node, a spawn request to any other, waited for here
  def spawn(node, m, f, a, opts) when node == node(), do: local(m, f, a, opts)

  def spawn(node, m, f, a, opts) do
    ref = Beamplay.Runtime.spawn_request(node, m, f, a, opts)

    receive do
      {:spawn_reply, ^ref, :ok, pid} -> if opts == [:monitor], do: {pid, ref}, else: pid
      {:spawn_reply, ^ref, :error, reason} -> crasher(node, m, f, a, opts, reason)
    end
  end

  defp local(:erlang, :apply, [fun, []], opts) when is_function(fun) do
    case opts do
      [] -> :erlang.spawn(fun)
      [:link] -> :erlang.spawn_link(fun)
      [:monitor] -> :erlang.spawn_monitor(fun)
    end
  end

  defp local(m, f, a, opts) do
    case opts do
      [] -> :erlang.spawn(m, f, a)
      [:link] -> :erlang.spawn_link(m, f, a)
      [:monitor] -> :erlang.spawn_monitor(m, f, a)
    end
  end

  # what OTP gives when the node cannot be reached: a local process that
  # logs a warning and exits with the reason
  defp crasher(node, m, f, a, opts, reason) do
    how = if opts == [], do: "", else: "(" <> inspect(opts) <> ")"

    text =
      "[warning] ** Can not start " <> inspect(m) <> ":" <> inspect(f) <> "," <> inspect(a) <> how <> " on " <> inspect(node) <> " **"

    local(:erlang, :apply, [fn -> Beamplay.Runtime.log(text); exit(reason) end, []], opts)
  end
end

defmodule :net_kernel do
  # the connection is dialled by the node; this process waits for it
  def connect_node(node) when is_atom(node) do
    case Beamplay.Runtime.dist_connect(node) do
      :wait ->
        receive do
          {:"$beamplay_connect", ^node, up} -> up
        end

      now ->
        now
    end
  end
end

defmodule :net_adm do
  def ping(node) do
    case :net_kernel.connect_node(node) do
      true -> :pong
      _ -> :pang
    end
  end
end

defmodule System do
  def monotonic_time, do: :erlang.monotonic_time()
  def monotonic_time(unit), do: :erlang.monotonic_time(unit)
  def system_time, do: :erlang.system_time()
  def system_time(unit), do: :erlang.system_time(unit)
  def unique_integer(opts \\ []), do: :erlang.unique_integer(opts)
end
