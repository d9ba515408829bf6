import ArgumentParser

@main
struct Ktriage: ParsableCommand {}
