# alias, import and require, in modules and at the console.

defmodule Deep.Inner do
  def hi, do: :inner_hi
  def twice(x), do: 2 * x
end; :ok
#=> :ok

alias Deep.Inner
#=> Deep.Inner

# known-failing: the console forgets an alias at the end of its line (as shared/oracle's harness does); iex keeps aliases, imports and requires for the next lines
Inner.hi()
#=> :inner_hi

alias Deep.Inner, as: I
#=> Deep.Inner

# known-failing: the console forgets an alias at the end of its line, as above
I.twice(21)
#=> 42

# known-failing: `import` inside a module is accepted and ignored: map/2 is undefined
defmodule UsesAlias do
  alias Deep.Inner, as: I
  import Enum, only: [map: 2]

  def run(l), do: {I.hi(), map(l, &(&1 + 1))}
end; :ok
#=> :ok

# known-failing: UsesAlias was not defined: the case above failed
UsesAlias.run([1, 2])
#=> {:inner_hi, [2, 3]}

# known-failing: `import` inside a module is accepted and ignored: twice/1 is undefined
defmodule UsesImport do
  import Deep.Inner

  def run, do: twice(hi() |> Atom.to_string() |> String.length())
end; :ok
#=> :ok

# known-failing: UsesImport was not defined: the case above failed
UsesImport.run()
#=> 16

import Deep.Inner, only: [twice: 1]
#=> Deep.Inner

# known-failing: the console forgets an import at the end of its line
twice(5)
#=> 10

require Integer
#=> Integer

# known-failing: Integer.is_even/1 is a macro; the playground has no Integer.is_even, required or not
Integer.is_even(4)
#=> true

import List, only: [first: 1]
#=> List

# known-failing: the console forgets an import at the end of its line
first([:a, :b])
#=> :a
