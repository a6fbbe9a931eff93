package org.bbehr.app.fhir;

import ca.uhn.fhir.model.api.ResourceMetadataKeyEnum;
import ca.uhn.fhir.rest.api.server.IBundleProvider;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.Iterator;
import java.util.List;
import org.bbehr.app.search.ActorBound;
import org.bbehr.core.access.Actor;
import org.bbehr.core.record.StoredVersion;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.instance.model.api.IPrimitiveType;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.InstantType;
import org.hl7.fhir.r4.model.Resource;

/** A page-by-page view of versions, newest first; deletions appear as DELETE entries. */
final class HistoryBundle implements IBundleProvider, ActorBound {

    /** Reads {@code count} versions after skipping {@code offset}. */
    interface Page {
        List<StoredVersion> read(int offset, int count);
    }

    private final FhirRecords records;
    private final Actor actor;
    private final Page page;
    private final InstantType published = InstantType.now();

    /** @param actor who reads: the pages are read as this actor may, and served to this actor only */
    HistoryBundle(FhirRecords records, Actor actor, Page page) {
        this.records = records;
        this.actor = actor;
        this.page = page;
    }

    @Override
    public Actor actor() {
        return actor;
    }

    static Instant instant(InstantType since) {
        return since == null || since.getValue() == null ? null : since.getValue().toInstant();
    }

    @Override
    public IPrimitiveType<Date> getPublished() {
        return published;
    }

    @Override
    public List<IBaseResource> getResources(int fromIndex, int toIndex) {
        List<StoredVersion> versions = page.read(fromIndex, Math.max(0, toIndex - fromIndex));
        // the anchoring of the page's versions, looked up at once
        Iterator<IBaseResource> live = records.toResources(versions.stream().filter(v -> !v.deleted()).toList())
                .iterator();
        List<IBaseResource> resources = new ArrayList<>();
        for (StoredVersion version : versions) {
            resources.add(version.deleted() ? deletion(version) : live.next());
        }
        return resources;
    }

    @Override
    public String getUuid() {
        return null;
    }

    @Override
    public Integer preferredPageSize() {
        return 50;
    }

    @Override
    public Integer size() {
        return null;
    }

    private IBaseResource deletion(StoredVersion version) {
        Resource resource = (Resource) records.context().getResourceDefinition(version.key().type()).newInstance();
        resource.setId(new IdType(version.key().type(), version.key().id(), Long.toString(version.version())));
        resource.getMeta().setVersionId(Long.toString(version.version()));
        resource.getMeta().setLastUpdated(Date.from(version.lastUpdated()));
        ResourceMetadataKeyEnum.DELETED_AT.put(resource, new InstantType(Date.from(version.lastUpdated())));
        ResourceMetadataKeyEnum.ENTRY_TRANSACTION_METHOD.put(resource,
                ca.uhn.fhir.model.valueset.BundleEntryTransactionMethodEnum.DELETE);
        return resource;
    }
}
