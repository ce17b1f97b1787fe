import MDTCommands

/// The executable only hands over to the command library.
@main
struct Entrypoint {
    static func main() async {
        await MDT.main()
    }
}
