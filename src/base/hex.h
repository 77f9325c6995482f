/* Hexadecimal digits, as read from UUIDs and percent-encoded header values. */
#ifndef FLOE_BASE_HEX_H
#define FLOE_BASE_HEX_H

/* Value 0-15 of the hexadecimal digit c (either case), or -1 when c is not one. */
int floe_hex_digit_value(char c);

#endif
