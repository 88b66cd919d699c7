from cargo_cli.sandbox.server import main

main()
