# cmake -DIN=FILE -DOUT=HEADER -DNAME=SYMBOL -P embed.cmake: FILE as a NUL-terminated C char array,
# so that `ozk` carries the Solidity verifier's body (contracts/templates/) and runs from anywhere.
file(READ ${IN} hex HEX)
string(REGEX REPLACE "([0-9a-f][0-9a-f])" "0x\\1," body "${hex}")
string(REGEX REPLACE "(0x..,0x..,0x..,0x..,0x..,0x..,0x..,0x..,0x..,0x..,0x..,0x..,)" "\\1\n" body "${body}")
file(WRITE ${OUT} "/* generated from ${IN} by cmake/embed.cmake: do not edit */\nstatic const char ${NAME}[] = {\n${body}0x00 };\n")
