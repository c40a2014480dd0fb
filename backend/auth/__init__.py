"""Pure authentication building blocks: password policy and hashing, email checks,
session and invitation tokens, cookie settings and safe redirects. No database, no UI."""
