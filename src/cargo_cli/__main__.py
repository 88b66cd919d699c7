from cargo_cli.main import main

raise SystemExit(main())
