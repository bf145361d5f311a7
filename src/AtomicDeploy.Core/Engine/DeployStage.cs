namespace AtomicDeploy.Core.Engine;

/// <summary>Where a deployment has got to: one stage for every host.</summary>
public enum DeployStage
{
    /// <summary>Connected; nothing changed yet.</summary>
    Connected,

    /// <summary>Locks held, the new release created on every host.</summary>
    Prepared,

    /// <summary>Changed files sent, new manifests written.</summary>
    Uploaded,

    /// <summary>Nothing changed on any host: the new release was removed again and the locks released; the later steps do nothing.</summary>
    Unchanged,

    /// <summary>Shared entries linked.</summary>
    Linked,

    /// <summary><c>current</c> points at the new release on every host.</summary>
    Switched,

    /// <summary>Old releases pruned, locks released.</summary>
    Finished,

    /// <summary>Failed and cleaned up: before the switch nothing is live; after it, every host was switched back.</summary>
    Aborted,
}
