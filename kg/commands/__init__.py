"""Subcommands of ``csrkg``, one module each; see ``kg.cli.COMMANDS``."""
