from prmlab.gui.app import main

raise SystemExit(main())
