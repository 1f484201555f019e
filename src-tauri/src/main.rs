//! `hirewire`: the window, or a subcommand (see `hirewire --help`).

fn main() -> std::process::ExitCode {
    hirewire::cli::main()
}
