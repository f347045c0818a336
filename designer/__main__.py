from designer.cli.main import main

raise SystemExit(main())
