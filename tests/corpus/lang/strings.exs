# Strings: interpolation of every printable kind, escapes, heredocs,
# String functions, charlists, and what interpolation refuses.

name = "world"
#=> "world"

"hello #{name}"
#=> "hello world"

"#{1} #{2.5} #{:atom} #{nil} #{[104, 105]} #{"nested #{1 + 1}"}"
#=> "1 2.5 atom  hi nested 2"

"#{{1, 2}}"
#=> ** (Protocol.UndefinedError) protocol String.Chars not implemented for {1, 2} of type Tuple

"tab\there\nnewline \\ \"q\" \#{not}"
#=> "tab\there\nnewline \\ \"q\" \#{not}"

"""
heredoc line
  indented #{name}
"""
#=> "heredoc line\n  indented world\n"

String.upcase("héllo")
#=> "HÉLLO"

{String.length("héllo"), byte_size("héllo")}
#=> {5, 6}

String.split("a b  c")
#=> ["a", "b", "c"]

String.split("a,b,,c", ",")
#=> ["a", "b", "", "c"]

String.replace("a-b-c", "-", "+")
#=> "a+b+c"

{String.slice("hello", 1, 3), String.at("hello", -1), String.reverse("abc")}
#=> {"ell", "o", "cba"}

String.to_integer("42") + 1
#=> 43

Integer.parse("3 apples")
#=> {3, " apples"}

String.to_integer("x")
#=> ** (ArgumentError) errors were found at the given arguments:
#=>
#=>   * 1st argument: not a textual representation of an integer

"abc" <> <<0>>
#=> <<97, 98, 99, 0>>

to_string('charlist')
#=> "charlist"

String.to_charlist("abc")
#=> 'abc'

'hello' ++ ' world'
#=> 'hello world'

inspect("q\"uote")
#=> "\"q\\\"uote\""

<<255>>
#=> <<255>>

"ünïcödé" |> String.graphemes()
#=> ["ü", "n", "ï", "c", "ö", "d", "é"]

String.pad_leading("7", 3, "0")
#=> "007"
