# The pipe operator: into remote and local calls, anonymous functions
# (then/2), captures, and long chains.

[3, 1, 2] |> Enum.sort()
#=> [1, 2, 3]

"hello world" |> String.split() |> Enum.map(&String.capitalize/1) |> Enum.join(" ")
#=> "Hello World"

1..10 |> Enum.filter(&(rem(&1, 2) == 0)) |> Enum.map(&(&1 * &1)) |> Enum.sum()
#=> 220

5 |> then(fn x -> x * 2 end)
#=> 10

double = fn x -> x * 2 end
#=> #Function<42.3316493/1 in :erl_eval.expr/6>

4 |> double.()
#=> 8

[1, 2] |> length()
#=> 2

%{a: 1} |> Map.put(:b, 2) |> Map.to_list()
#=> [a: 1, b: 2]

"abc" |> String.upcase() |> tap(&IO.puts/1) |> String.length()
#| ABC
#=> 3

[1, [2, [3]]] |> List.flatten() |> Enum.reverse() |> inspect()
#=> "[3, 2, 1]"

# known-failing: Kernel.<>/2 cannot be called remotely here (UndefinedFunctionError); `<>` works only as an operator
:atom |> Atom.to_string() |> Kernel.<>("!")
#=> "atom!"
