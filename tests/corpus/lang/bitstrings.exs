# Binaries and bitstrings: construction, segment types and sizes,
# matching, utf8.

<<1, 2, 3>>
#=> <<1, 2, 3>>

<<256::16, 1::little-16>>
#=> <<1, 0, 1, 0>>

<<1::4, 2::4>>
#=> <<18>>

<<1::1>>
#=> <<1::size(1)>>

<<-1::8>>
#=> <<255>>

<<1.5::float>>
#=> <<63, 248, 0, 0, 0, 0, 0, 0>>

<<"é"::binary, 0>>
#=> <<195, 169, 0>>

<<x::8, rest::binary>> = "hello"
#=> "hello"

{x, rest}
#=> {104, "ello"}

<<a::4, b::4>> = <<0xAB>>
#=> <<171>>

{a, b}
#=> {10, 11}

<<n::16, _::binary>> = <<1, 2, 3>>
#=> <<1, 2, 3>>

n
#=> 258

<<c::utf8, tail::binary>> = "élan"
#=> "élan"

{c, tail}
#=> {233, "lan"}

size = 2
#=> 2

<<head::binary-size(size), more::binary>> = "abcdef"
#=> "abcdef"

{head, more}
#=> {"ab", "cdef"}

<<len::8, body::binary-size(len), _::binary>> = <<3, "abcxyz">>
#=> <<3, 97, 98, 99, 120, 121, 122>>

body
#=> "abc"

<<s::signed-8>> = <<255>>
#=> <<255>>

<<u::8>> = <<255>>
#=> <<255>>

<<f::float>> = <<64, 9, 33, 251, 84, 68, 45, 24>>
#=> <<64, 9, 33, 251, 84, 68, 45, 24>>

<<bits::bits>> = <<5::3>>
#=> <<5::size(3)>>

<<1, 2>> = <<1, 2, 3>>
#=> ** (MatchError) no match of right hand side value: <<1, 2, 3>>

{byte_size("héllo"), bit_size(<<1::3>>), String.length("héllo")}
#=> {6, 3, 5}

<<?a, ?b>> <> "c"
#=> "abc"

for <<b <- "abc">>, do: b
#=> 'abc'

<<0, 255, 128>>
#=> <<0, 255, 128>>

<<"abc"::binary, 1::1>>
#=> <<97, 98, 99, 1::size(1)>>
