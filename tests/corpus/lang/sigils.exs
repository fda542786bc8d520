# Sigils: word lists (strings, atoms, charlists), strings and charlists
# with other delimiters, interpolation in lowercase sigils.

~w(a b c)
#=> ["a", "b", "c"]

~w(a b c)a
#=> [:a, :b, :c]

~w(a b)c
#=> ['a', 'b']

~s(say "hi")
#=> "say \"hi\""

~c(abc)
#=> 'abc'

x = 5
#=> 5

~s(x is #{x})
#=> "x is 5"

# known-failing: the ~S sigil is refused as out of scope (ELIXIR_SUBSET.md 1.12 keeps ~w ~s ~c only)
~S(no #{interpolation})
#=> "no \#{interpolation}"

~w[with brackets]
#=> ["with", "brackets"]

~s{braces}
#=> "braces"

~s|pipes|
#=> "pipes"
