# Pattern matching on tuples and lists: binding, nesting, `_`, repeated
# variables, and the MatchError a failed match raises.

{a, b} = {1, 2}
#=> {1, 2}

{a, b}
#=> {1, 2}

{:ok, x} = {:ok, 1}
#=> {:ok, 1}

{:ok, x} = {:error, :nope}
#=> ** (MatchError) no match of right hand side value: {:error, :nope}

[h | t] = [1, 2, 3]
#=> [1, 2, 3]

{h, t}
#=> {1, [2, 3]}

[first, second | rest] = [1, 2, 3, 4]
#=> [1, 2, 3, 4]

{first, second, rest}
#=> {1, 2, [3, 4]}

[only] = [1, 2]
#=> ** (MatchError) no match of right hand side value: [1, 2]

{_, {_, [deep]}} = {:x, {:y, [:found]}}
#=> {:x, {:y, [:found]}}

deep
#=> :found

{same, same} = {1, 1}
#=> {1, 1}

{same, same} = {1, 2}
#=> ** (MatchError) no match of right hand side value: {1, 2}

[] = []
#=> []

{_ignored, kept} = {:a, :b}
#=> {:a, :b}

kept
#=> :b

{a, b, c} = {1, 2}
#=> ** (MatchError) no match of right hand side value: {1, 2}

[a, b] = {1, 2}
#=> ** (MatchError) no match of right hand side value: {1, 2}

"hello " <> name = "hello world"
#=> "hello world"

name
#=> "world"

# known-failing: a charlist prefix pattern (`'ab' ++ rest`) is a CompileError here (cannot invoke local ++/2 inside match)
'ab' ++ rest = 'abcd'
#=> 'abcd'

# known-failing: `rest` keeps its earlier value: the case above failed
rest
#=> 'cd'

{x, y} = {y, x} = {1, 1}
#=> {1, 1}
