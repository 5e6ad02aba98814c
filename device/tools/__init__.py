"""Offline tools behind ``oko``'s subcommands (scan, eval, bench, soak, props, doctor,
set-pin). They use the runtime in ``device``; the runtime never imports them."""
