"""The clock process and one module per kind of reminder."""
