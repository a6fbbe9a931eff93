package org.bbehr.app.fhir;

import ca.uhn.fhir.rest.api.server.IBundleProvider;
import java.util.Date;
import java.util.List;
import org.bbehr.app.search.ActorBound;
import org.bbehr.core.access.Actor;
import org.bbehr.core.record.ResourceKey;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.instance.model.api.IPrimitiveType;
import org.hl7.fhir.r4.model.InstantType;

/**
 * A patient's {@code $everything}, paged: the keys are gathered once (at most {@link HeavyOperations#EVERYTHING_MAX}),
 * each page's resources read when it is asked for, as the actor who asked may see them; its pages are that actor's
 * only ({@link SearchPaging}).
 */
final class EverythingBundle implements IBundleProvider, ActorBound {

    private final FhirRecords records;
    private final Actor actor;
    private final List<ResourceKey> keys;
    private final InstantType published = InstantType.now();

    EverythingBundle(FhirRecords records, Actor actor, List<ResourceKey> keys) {
        this.records = records;
        this.actor = actor;
        this.keys = keys;
    }

    @Override
    public Actor actor() {
        return actor;
    }

    @Override
    public IPrimitiveType<Date> getPublished() {
        return published;
    }

    @Override
    public List<IBaseResource> getResources(int fromIndex, int toIndex) {
        return records.current(actor, keys.subList(Math.min(fromIndex, keys.size()), Math.min(toIndex, keys.size())));
    }

    @Override
    public String getUuid() {
        return null;
    }

    @Override
    public Integer preferredPageSize() {
        return 100;
    }

    @Override
    public Integer size() {
        return keys.size();
    }
}
