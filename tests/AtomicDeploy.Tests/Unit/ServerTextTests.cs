using AtomicDeploy.Core.Remote;

namespace AtomicDeploy.Tests.Unit;

[TestClass]
public sealed class ServerTextTests
{
    [TestMethod]
    public void A_servers_lines_become_one_line_so_it_cannot_start_lines_in_the_build_log()
    {
        var text = ServerText.OneLine("tar: cannot open\n::error file=x::fake\r\n##vso[task.complete result=Succeeded]\n");

        Assert.AreEqual("tar: cannot open | ::error file=x::fake | ##vso[task.complete result=Succeeded]", text);
    }

    [TestMethod]
    public void Control_characters_become_spaces()
    {
        Assert.AreEqual("red  text end", ServerText.OneLine("red\u001b text\u0007end"));
    }

    [TestMethod]
    public void Long_text_is_cut()
    {
        var text = ServerText.OneLine(new string('x', 5000));

        Assert.AreEqual(ServerText.MaxLength + 4, text.Length);
        Assert.EndsWith(" ...", text);
    }
}
