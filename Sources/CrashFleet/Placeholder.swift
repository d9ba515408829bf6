// CrashFleet
