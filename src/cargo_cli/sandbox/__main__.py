from cargo_cli.sandbox import main

main()
