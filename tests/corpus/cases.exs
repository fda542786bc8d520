# The language corpus (tests/corpus/lang/*.exs): its format, and its
# cases as the scripts here read them (crates/vm/tests/common reads them
# the same way).
#
# A corpus file is a sequence of cases, typed in turn at one iex console
# (bindings, aliases and modules carry over, as in iex). A case is its
# input (one expression, as iex reads it: several lines only when the first
# ones are incomplete) followed by what the console printed:
#   `#| TEXT`   output that reached the console (IO.puts, flush/0, a dying
#               shell's `** (EXIT from ...)` line)
#   `#=> VALUE` the value as iex prints it (pretty, width 80), or the error
#               banner without the stack trace; one such line per printed
#               line
# A new case is its input and a `#=>` line (expect.exs fills it in). Other
# lines starting with `#` are comments; `# known-failing: REASON` marks the
# next case as one the playground gets wrong.
defmodule Corpus.Cases do
  @doc "The files of the corpus, in name order."
  def files, do: Path.wildcard(Path.join([__DIR__, "lang", "*.exs"])) |> Enum.sort()

  @doc """
  The file as `{:text, line}` (comments and blank lines between cases) and
  `{:case, lines}` (a case's input lines, with any comment among them; its
  results dropped).
  """
  def parse(text) do
    text
    |> String.trim_trailing("\n")
    |> String.split("\n")
    |> Enum.reduce({[], []}, fn line, {chunks, input} ->
      cond do
        result?(line) and input != [] ->
          {[{:case, Enum.reverse(input)} | chunks], []}

        result?(line) ->
          {chunks, input}

        input == [] and (line == "" or String.starts_with?(line, "#")) ->
          {[{:text, line} | chunks], input}

        true ->
          {chunks, [line | input]}
      end
    end)
    |> case do
      {chunks, []} -> Enum.reverse(chunks)
      {_, input} -> raise "#{Enum.join(Enum.reverse(input), "\n")}\nis not followed by a `#=>` line"
    end
  end

  @doc "What the console is given for a case's input lines."
  def source(lines) do
    lines
    |> Enum.reject(&String.starts_with?(&1, "#"))
    |> Enum.join("\n")
    |> String.trim()
  end

  defp result?(line), do: String.starts_with?(line, "#=>") or String.starts_with?(line, "#|")
end
