"""Files: the public and private storages, uploads' validation, full or read-only disks, and
serving private files after an access check.
"""
