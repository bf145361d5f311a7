using AtomicDeploy.Core.Remote;

namespace AtomicDeploy.Tests.Unit;

[TestClass]
public sealed class ServerTextTests
{
    [TestMethod]
    public void A_servers_lines_become_one_line_so_it_cannot_start_lines_in_the_build_log()
    {
        var text = ServerText.ForLog("tar: cannot open\n::error file=x::fake\r\n##vso[task.complete result=Succeeded]\n");

        Assert.AreEqual("tar: cannot open | ::error file=x::fake | ##vso\\[task.complete result=Succeeded]", text);
    }

    [TestMethod]
    public void A_carriage_return_is_a_line_break_too()
    {
        var text = ServerText.ForLog("Connection closed\r::error title=pwned::x\r##vso[task.setvariable variable=X]evil");

        Assert.AreEqual("Connection closed | ::error title=pwned::x | ##vso\\[task.setvariable variable=X]evil", text);
    }

    [TestMethod]
    public void Azure_commands_are_defused_anywhere_in_the_line_in_any_case()
    {
        Assert.AreEqual("a ##vso\\[x] b ##VSO\\[y] c ##\\[error]d #[e]", ServerText.ForLog("a ##vso[x] b ##VSO[y] c ##[error]d #[e]"));
    }

    [TestMethod]
    public void A_leading_double_colon_is_defused_also_after_spaces()
    {
        Assert.AreEqual("\\::error::x", ServerText.ForLog("::error::x"));
        Assert.AreEqual("  \\::warning::x", ServerText.ForLog("  ::warning::x"));
        Assert.AreEqual(" \\::add-mask::x", ServerText.ForLog("\n\r ::add-mask::x"));
        Assert.AreEqual("a ::error::x", ServerText.ForLog("a ::error::x"), "only a line's start is a GitHub command");
    }

    [TestMethod]
    public void Control_characters_become_spaces()
    {
        Assert.AreEqual("red  text end", ServerText.ForLog("red\u001b text\u0007end"));
    }

    [TestMethod]
    public void Removing_invisible_characters_cannot_join_a_command_marker()
    {
        Assert.DoesNotContain("##vso[", ServerText.ForLog("##\u200Bvso[x] #\u0000#vso[y] ##\u202E[z]"));
    }

    [TestMethod]
    public void Unicode_line_separators_and_bidi_overrides_go()
    {
        Assert.AreEqual("a | ::error::b c", ServerText.ForLog("a\u2028::error::b\u202Ec"));
    }

    [TestMethod]
    public void Indented_detail_lines_keep_their_indent()
    {
        Assert.AreEqual("  added   wwwroot/app.css", ServerText.ForLog("  added   wwwroot/app.css"));
    }

    [TestMethod]
    public void Long_text_is_cut()
    {
        var text = ServerText.ForLog(new string('x', 50_000));

        Assert.AreEqual(ServerText.MaxLength + ServerText.CutMarker.Length, text.Length);
        Assert.EndsWith(ServerText.CutMarker, text);
    }

    [TestMethod]
    public void Null_and_empty_text_are_empty()
    {
        Assert.AreEqual(string.Empty, ServerText.ForLog(null));
        Assert.AreEqual(string.Empty, ServerText.ForLog("\r\n\r\n"));
    }

    [TestMethod]
    public void The_end_of_a_commands_output_is_its_last_whole_lines_made_safe()
    {
        var output = string.Concat(Enumerable.Range(1, 40).Select(i => $"   at Frame{i}(String[] args) in /src/Migrations.cs:line {i}\n")) + "SQLite Error 1: 'no such table: Guests'.\n##vso[task.complete result=Succeeded]\n";

        var tail = ServerText.LastLines(output, 200);

        Assert.StartsWith("... | ", tail, "cut before a whole line");
        Assert.EndsWith("SQLite Error 1: 'no such table: Guests'. | ##vso\\[task.complete result=Succeeded]", tail);
        Assert.IsTrue(tail.Length <= 200 + 10, tail);
        StringAssert.Contains(tail, "| at Frame40(String[] args) in /src/Migrations.cs:line 40 |");
        Assert.AreEqual("no output", ServerText.LastLines("\n \n"));
        Assert.AreEqual("one | two", ServerText.LastLines("one\ntwo\n"));
    }

    [TestMethod]
    public void A_last_line_longer_than_the_room_keeps_its_end_from_a_word()
    {
        var tail = ServerText.LastLines("first\n" + string.Join(' ', Enumerable.Range(1, 300).Select(i => $"word{i}")), 100);

        Assert.StartsWith("... word", tail);
        Assert.EndsWith("word300", tail);
        Assert.IsTrue(tail.Length <= 110, tail);
    }
}
