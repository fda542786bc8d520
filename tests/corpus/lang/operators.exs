# Operators: arithmetic, comparison, boolean, list, binary, membership.

1 + 2 * 3 - 4
#=> 3

10 / 4
#=> 2.5

{div(-7, 2), rem(-7, 2), Integer.mod(-7, 2), Integer.floor_div(-7, 2)}
#=> {-3, -1, 1, -4}

{2 ** 3 ** 2, 2 ** -1, -2 ** 2}
#=> {64, 0.5, 4}

{abs(-3), max(1, 2.0), min(:a, 1), round(2.5), round(-2.5), trunc(-3.7)}
#=> {3, 2.0, 1, 3, -3, -3}

1 / 0
#=> ** (ArithmeticError) bad argument in arithmetic expression

1 + :a
#=> ** (ArithmeticError) bad argument in arithmetic expression

div(1, 0)
#=> ** (ArithmeticError) bad argument in arithmetic expression

{1 == 1.0, 1 === 1.0, 1 != 1.0, 1 !== 1.0, 2 > 1, :a < "a"}
#=> {true, false, false, true, true, true}

{{9, 9} < {0, 0, 0}, [1, 2] < [1, 2, 3], :zzz > :aaaa, 1 < :atom}
#=> {true, true, true, true}

{true and false, true or false, not true, true and 1}
#=> {false, true, false, 1}

1 and true
#=> ** (BadBooleanError) expected a boolean on left-side of "and", got: 1

{nil && 1, 0 && 1, nil || :default, false || nil, !nil, !0}
#=> {nil, 1, :default, nil, true, false}

[1, 2] ++ [3] -- [3, 1]
#=> [1, 2]

"foo" <> "bar"
#=> "foobar"

{2 in [1, 2, 3], 5 in 1..4, :x not in [:y]}
#=> {true, false, true}

x = 5
#=> 5

x = x + 1
#=> 6

a = b = 3
#=> 3

{a, b}
#=> {3, 3}

1.5e300 * 1.0e10
#=> ** (ArithmeticError) bad argument in arithmetic expression

# known-failing: there is no Bitwise module (UndefinedFunctionError)
{Bitwise.band(12, 10), Bitwise.bor(12, 10), Bitwise.bsl(1, 70)}
#=> {8, 14, 1180591620717411303424}

# a binary operator at the start of a line continues the expression
x = [1]
++ [2]
|> length()
when_ok = true
and x == 2
#=> true

{1
== 1, "a"
<> "b", 1
in [1], 2
not in [1]}
#=> {true, "ab", true, true}

defmodule Cont do
  def f(x, y)
      when is_integer(x) and
             is_integer(y) do
    x
    - y
  end
end
Cont.f(3, 1)
#=> -1
