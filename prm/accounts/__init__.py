"""A person's own account: their profile (the name colleagues, managers and certificates
show, and the language of their e-mails), and the name an identity provider asserts."""
