"""Domain types, vocabularies, validation, clocks and errors. No I/O beyond resources."""
