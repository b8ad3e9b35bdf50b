"""The vocabulary every other layer is written in: errors, reason codes, enums, the checks
that validate input, and the frozen values a complaint is made of. Imports nothing else of
complaintflow."""
