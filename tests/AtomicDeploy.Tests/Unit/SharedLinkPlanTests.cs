using AtomicDeploy.Core.Planning;

namespace AtomicDeploy.Tests.Unit;

[TestClass]
public sealed class SharedLinkPlanTests
{
    private const bool IsFolder = true;
    private const bool IsFile = false;

    [TestMethod]
    public void An_empty_shared_folder_links_nothing()
    {
        var plan = SharedLinkPlan.Compute(Tree(), Tree(("wwwroot", IsFolder)));

        Assert.IsEmpty(plan.Links);
        Assert.IsEmpty(plan.Conflicts);
    }

    [TestMethod]
    public void Entries_the_release_does_not_have_are_linked_whole()
    {
        var shared = Tree(
            ("uploads", IsFolder),
            ("uploads/photo.jpg", IsFile),
            ("appsettings.Production.json", IsFile));
        var release = Tree(("HelloWeb.dll", IsFile));

        var plan = SharedLinkPlan.Compute(shared, release);

        CollectionAssert.AreEqual(
            new[]
            {
                new SharedLink("appsettings.Production.json", "../../shared/appsettings.Production.json"),
                new SharedLink("uploads", "../../shared/uploads"),
            },
            plan.Links.ToArray());
        Assert.IsEmpty(plan.Conflicts);
    }

    [TestMethod]
    public void A_folder_both_have_is_entered_and_only_what_the_release_lacks_is_linked()
    {
        var shared = Tree(
            ("wwwroot", IsFolder),
            ("wwwroot/uploads", IsFolder),
            ("wwwroot/uploads/photo.jpg", IsFile));
        var release = Tree(
            ("wwwroot", IsFolder),
            ("wwwroot/css", IsFolder),
            ("wwwroot/css/site.css", IsFile));

        var plan = SharedLinkPlan.Compute(shared, release);

        Assert.AreEqual(new SharedLink("wwwroot/uploads", "../../../shared/wwwroot/uploads"), Assert.ContainsSingle(plan.Links));
        Assert.IsEmpty(plan.Conflicts);
    }

    [TestMethod]
    public void The_drop_down_continues_through_several_levels()
    {
        var shared = Tree(
            ("a", IsFolder),
            ("a/b", IsFolder),
            ("a/b/c", IsFolder),
            ("a/b/c/data.db", IsFile),
            ("a/b/c/cache", IsFolder),
            ("a/b/c/cache/x", IsFile),
            ("a/b/sibling.txt", IsFile));
        var release = Tree(
            ("a", IsFolder),
            ("a/b", IsFolder),
            ("a/b/c", IsFolder),
            ("a/b/c/code.dll", IsFile));

        var plan = SharedLinkPlan.Compute(shared, release);

        CollectionAssert.AreEquivalent(
            new[]
            {
                new SharedLink("a/b/c/cache", "../../../../../shared/a/b/c/cache"),
                new SharedLink("a/b/c/data.db", "../../../../../shared/a/b/c/data.db"),
                new SharedLink("a/b/sibling.txt", "../../../../shared/a/b/sibling.txt"),
            },
            plan.Links.ToArray());
        Assert.IsEmpty(plan.Conflicts);
    }

    [TestMethod]
    public void A_file_both_have_is_left_as_the_release_has_it_and_reported()
    {
        var shared = Tree(("appsettings.json", IsFile), ("uploads", IsFolder));
        var release = Tree(("appsettings.json", IsFile));

        var plan = SharedLinkPlan.Compute(shared, release);

        CollectionAssert.AreEqual(new[] { "appsettings.json" }, plan.Conflicts.ToArray());
        Assert.AreEqual("uploads", Assert.ContainsSingle(plan.Links).Path);
    }

    [TestMethod]
    public void A_shared_file_where_the_release_has_a_folder_is_a_conflict()
    {
        var plan = SharedLinkPlan.Compute(Tree(("data", IsFile)), Tree(("data", IsFolder), ("data/seed.json", IsFile)));

        CollectionAssert.AreEqual(new[] { "data" }, plan.Conflicts.ToArray());
        Assert.IsEmpty(plan.Links);
    }

    [TestMethod]
    public void A_shared_folder_where_the_release_has_a_file_is_a_conflict_and_not_entered()
    {
        var shared = Tree(("data", IsFolder), ("data/seed.json", IsFile));
        var release = Tree(("data", IsFile));

        var plan = SharedLinkPlan.Compute(shared, release);

        CollectionAssert.AreEqual(new[] { "data" }, plan.Conflicts.ToArray());
        Assert.IsEmpty(plan.Links);
    }

    [TestMethod]
    public void Conflicts_deep_in_a_folder_both_have_are_reported_by_full_path()
    {
        var shared = Tree(("wwwroot", IsFolder), ("wwwroot/robots.txt", IsFile), ("wwwroot/uploads", IsFolder));
        var release = Tree(("wwwroot", IsFolder), ("wwwroot/robots.txt", IsFile));

        var plan = SharedLinkPlan.Compute(shared, release);

        CollectionAssert.AreEqual(new[] { "wwwroot/robots.txt" }, plan.Conflicts.ToArray());
        CollectionAssert.AreEqual(new[] { new SharedLink("wwwroot/uploads", "../../../shared/wwwroot/uploads") }, plan.Links.ToArray());
    }

    [TestMethod]
    [DataRow("uploads", "../../shared/uploads")]
    [DataRow("appsettings.Production.json", "../../shared/appsettings.Production.json")]
    [DataRow("wwwroot/uploads", "../../../shared/wwwroot/uploads")]
    [DataRow("a/b/c", "../../../../shared/a/b/c")]
    [DataRow("with space/it's", "../../../shared/with space/it's")]
    public void The_link_target_is_relative_from_the_link_to_the_shared_entry(string path, string target)
    {
        Assert.AreEqual(target, SharedLinkPlan.TargetFor(path));
    }

    [TestMethod]
    [DataRow("uploads")]
    [DataRow("wwwroot/uploads")]
    [DataRow("a/b/c/d/e")]
    public void The_link_target_resolves_to_the_shared_entry_from_inside_the_release(string path)
    {
        const string Root = "/srv/app";
        var linkFolder = Path.GetDirectoryName($"{Root}/releases/20261127121500/{path}")!;

        var resolved = Path.GetFullPath(Path.Combine(linkFolder, SharedLinkPlan.TargetFor(path)));

        Assert.AreEqual($"{Root}/shared/{path}", resolved);
    }

    private static Dictionary<string, bool> Tree(params (string Path, bool IsFolder)[] entries) =>
        entries.ToDictionary(e => e.Path, e => e.IsFolder, StringComparer.Ordinal);
}
