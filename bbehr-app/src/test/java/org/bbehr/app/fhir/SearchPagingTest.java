package org.bbehr.app.fhir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

import ca.uhn.fhir.rest.api.server.IBundleProvider;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.bbehr.app.search.SearchResultsFixture;
import org.bbehr.core.access.Actor;
import org.bbehr.core.consent.Purpose;
import org.junit.jupiter.api.Test;

class SearchPagingTest {

    static Actor drBob() {
        return new Actor(Actor.Kind.USER, "dr-bob", Actor.Role.PRACTITIONER, Optional.of(1L), Optional.empty(),
                Purpose.TREATMENT, false);
    }

    static Actor nurseNia() {
        return new Actor(Actor.Kind.USER, "nurse-nia", Actor.Role.PRACTITIONER, Optional.of(1L), Optional.empty(),
                Purpose.TREATMENT, false);
    }

    static RequestDetails requestOf(Actor actor) {
        RequestDetails request = mock(RequestDetails.class);
        Map<Object, Object> userData = new HashMap<>();
        if (actor != null) {
            userData.put(RequestActors.ACTOR, actor);
        }
        when(request.getUserData()).thenReturn(userData);
        return request;
    }

    @Test
    void searchPagesShouldBeServedOnlyToTheActorThatMadeTheSearch() {
        // given: Dr Bob's search, kept for its pages
        SearchPaging paging = new SearchPaging(10);
        IBundleProvider bobs = SearchResultsFixture.madeBy(drBob());
        String id = paging.storeResultList(requestOf(drBob()), bobs);

        // when
        IBundleProvider forBob = paging.retrieveResultList(requestOf(drBob()), id);
        IBundleProvider forNia = paging.retrieveResultList(requestOf(nurseNia()), id);
        IBundleProvider forAnonymous = paging.retrieveResultList(requestOf(null), id);

        // then: to anyone else the page id is as unknown as an expired one
        assertThat(forBob).isSameAs(bobs);
        assertThat(forNia).isNull();
        assertThat(forAnonymous).isNull();
        assertThat(paging.retrieveResultList(requestOf(drBob()), "no-such-search")).isNull();
    }

    @Test
    void historyAndEverythingPagesShouldBeServedOnlyToTheirActorToo() {
        // given: a history and an $everything read for Dr Bob (before, a history page was anybody's who had its id)
        SearchPaging paging = new SearchPaging(10);
        IBundleProvider history = new HistoryBundle(null, drBob(), (offset, count) -> java.util.List.of());
        IBundleProvider everything = new EverythingBundle(null, drBob(), java.util.List.of());
        String historyId = paging.storeResultList(requestOf(drBob()), history);
        String everythingId = paging.storeResultList(requestOf(drBob()), everything);

        // when / then
        assertThat(paging.retrieveResultList(requestOf(drBob()), historyId)).isSameAs(history);
        assertThat(paging.retrieveResultList(requestOf(drBob()), everythingId)).isSameAs(everything);
        assertThat(paging.retrieveResultList(requestOf(nurseNia()), historyId)).isNull();
        assertThat(paging.retrieveResultList(requestOf(nurseNia()), everythingId)).isNull();
        assertThat(paging.retrieveResultList(requestOf(null), historyId)).isNull();
    }

    @Test
    void apiActorsSearchShouldPageAsBefore() {
        // given: a search by the node's API actor (every request until login exists)
        SearchPaging paging = new SearchPaging(10);
        IBundleProvider results = SearchResultsFixture.madeBy(RequestActors.API);
        String id = paging.storeResultList(requestOf(null), results);

        // when / then
        assertThat(paging.retrieveResultList(requestOf(null), id)).isSameAs(results);
    }
}
