// The main of the test executables; Catch2's implementation is compiled once, in catch_session.cpp.
#include <support/catch_run.hpp>

int main(int argc, char** argv) { return ac_run_catch(argc, argv); }
