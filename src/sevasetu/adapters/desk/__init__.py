"""The hospital desk's side: its local queue and saved keys, and the way it talks to sevasetu."""
