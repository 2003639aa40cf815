// The workflow's rerun state: a step is reused only under the same key with unchanged outputs, and a damaged
// state file means "run again", never an error.
#include <catch2/catch.hpp>

#include <wgskit/workflow/state.hpp>

#include "../test_helpers.hpp"

using namespace wgskit;

TEST_CASE("run_state reuses a step only under the same key and unchanged outputs", "[workflow]")
{
    test::temp_dir dir{"wgskit_state"};
    auto const out = dir.file("S.bam"), state = dir.file("state.json");
    test::write_file(out, "content");
    {
        workflow::run_state s{state};
        CHECK(s.reusable("map", {{"reads", 1}}, true) == nullptr); // nothing recorded yet
        s.record("map", {{"reads", 1}}, {out}, {{"pairs", 7}});
    }
    workflow::run_state s{state};
    auto const * figures = s.reusable("map", {{"reads", 1}}, true);
    REQUIRE(figures != nullptr);
    CHECK((*figures)["pairs"] == 7);
    CHECK(s.reusable("map", {{"reads", 2}}, true) == nullptr);  // another key (changed input or parameter)
    CHECK(s.reusable("map", {{"reads", 1}}, false) == nullptr); // outputs failed their content check
    test::write_file(out, "changed content");
    CHECK(s.reusable("map", {{"reads", 1}}, true) == nullptr); // output rewritten since
}

TEST_CASE("a damaged run_state file means the steps run again", "[workflow]")
{
    test::temp_dir dir{"wgskit_state"};
    auto const state = dir.file("state.json");
    for (std::string const text :
         {"{not json", "[1,2]", R"({"steps":5})", R"({"steps":{"map":{"key":1,"outputs":[{"path":5}],"figures":{}}}})",
          R"({"steps":{"map":{"key":1,"outputs":[{"size":1}],"figures":{}}}})",
          R"({"steps":{"map":{"key":1,"outputs":7,"figures":{}}}})", R"({"steps":{"map":3}})"})
    {
        INFO(text);
        test::write_file(state, text);
        workflow::run_state s{state};
        CHECK(s.reusable("map", 1, true) == nullptr);
    }
}
